package dovetail.store;

/** IMAP system flags that Maildir keeps in the filename (letters per Dovecot's maildir-filename-flags.c). */
public enum SystemFlag {
  DRAFT('D'),
  FLAGGED('F'),
  ANSWERED('R'),
  SEEN('S'),
  DELETED('T');

  private final char letter;

  SystemFlag(char letter) {
    this.letter = letter;
  }

  /** The Maildir info letter. */
  public char letter() {
    return letter;
  }

  public static SystemFlag ofLetter(char letter) {
    for (SystemFlag f : values()) {
      if (f.letter == letter) {
        return f;
      }
    }
    return null;
  }
}
