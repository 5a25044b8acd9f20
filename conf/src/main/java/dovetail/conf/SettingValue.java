package dovetail.conf;

/**
 * The final value of one of Dovetail's keys and where it was set.
 *
 * @param text     the value after {@code $key} expansion (for a file reference: the resolved path)
 * @param fileRef  written as {@code key = <path}
 * @param origin   file and line, {@link Origin#OVERRIDE} or {@link Origin#DEFAULT}
 */
record SettingValue(String key, String text, boolean fileRef, Origin origin) {
    boolean assigned() {
        return origin.kind() != Origin.Kind.DEFAULT;
    }

    boolean isEmpty() {
        return text.isEmpty();
    }

    ConfigException error(String detail) {
        return ConfigException.at(origin, key, detail);
    }

    /** "'value'" for messages, or a placeholder for secrets. */
    String shown() {
        return KnownKeys.isSecret(key) ? "a value that is not shown (secret)" : "'" + text + "'";
    }
}
