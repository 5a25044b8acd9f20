package dovetail.conf;

/** One {@code key = value} line as written, before {@code $key} expansion and typing. */
record RawEntry(String key, String value, Kind kind, Origin origin) {
    enum Kind {
        /** Unquoted: {@code $key} tokens are expanded. */
        PLAIN,
        /** Was in double or single quotes: taken literally. */
        QUOTED,
        /** {@code key = <path}: value is the path as written. */
        FILE
    }
}
