package dovetail.store;

/** Dovecot's `mail_fsync`. */
public enum FsyncMode {
  /** fsync message files and control files before they are renamed into place. */
  OPTIMIZED,
  /** as OPTIMIZED, and the directories after each rename. */
  ALWAYS,
  /** never fsync (fast, for migrations that can be re-run). */
  NEVER;

  public static FsyncMode parse(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "optimized" -> OPTIMIZED;
      case "always" -> ALWAYS;
      case "never" -> NEVER;
      default -> throw new IllegalArgumentException("mail_fsync must be optimized, always or never: " + value);
    };
  }
}
