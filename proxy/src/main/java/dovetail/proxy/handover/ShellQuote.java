package dovetail.proxy.handover;

/** POSIX sh quoting: one single-quoted word, whatever the bytes ($, `, \, ", spaces, newlines, non-ASCII). */
public final class ShellQuote {
  private ShellQuote() {}

  /** {@code 'text'}, each {@code '} written as {@code '\''} (nothing is special inside single quotes). */
  public static String quote(String text) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a NUL cannot be passed to a command: " + text);
    }
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
