package dovetail.store;

/** IMAP system flags that Maildir keeps in the filename (letters per Dovecot's maildir-filename-flags.c). */
public enum SystemFlag {
  DRAFT('D', "\\Draft"),
  FLAGGED('F', "\\Flagged"),
  ANSWERED('R', "\\Answered"),
  SEEN('S', "\\Seen"),
  DELETED('T', "\\Deleted");

  private final char letter;
  private final String imapName;

  SystemFlag(char letter, String imapName) {
    this.letter = letter;
    this.imapName = imapName;
  }

  /** The IMAP spelling, e.g. {@code \Seen}. */
  public String imapName() {
    return imapName;
  }

  /** The flag for an IMAP system flag name (any case), or null for \Recent and unknown names. */
  public static SystemFlag ofImapName(String name) {
    for (SystemFlag f : values()) {
      if (f.imapName.equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
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
