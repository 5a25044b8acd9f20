package dovetail.conf;

import java.nio.file.Path;

/** Where a setting was written: a file and line, a command-line override, or a built-in default. */
record Origin(Path file, int line, Kind kind) {
    enum Kind { FILE, OVERRIDE, DEFAULT }

    static final Origin OVERRIDE = new Origin(null, 0, Kind.OVERRIDE);
    static final Origin DEFAULT = new Origin(null, 0, Kind.DEFAULT);

    static Origin of(Path file, int line) {
        return new Origin(file, line, Kind.FILE);
    }

    /** "file:line", "-o" or "default". */
    String where() {
        switch (kind) {
            case FILE: return file + ":" + line;
            case OVERRIDE: return "-o";
            default: return "default";
        }
    }

    /** The start of a message about {@code key}: "file:line: key: " or "-o key: ". */
    String prefix(String key) {
        return kind == Kind.OVERRIDE ? "-o " + key + ": " : where() + ": " + key + ": ";
    }

    /** The directory that relative paths written here are relative to; null means the working directory. */
    Path baseDir() {
        if (kind != Kind.FILE) return null;
        Path parent = file.toAbsolutePath().getParent();
        return parent;
    }

    /** Resolves a path written at this origin. */
    Path resolve(String path) {
        Path p = Path.of(path);
        Path base = baseDir();
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }
}
