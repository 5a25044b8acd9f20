package dovetail.store.maildir;

import java.nio.file.Path;

/**
 * One folder's dovecot-keywords as last read (the reading side of maildir-keywords.c): read again when its mtime says
 * that it may have changed. Not thread-safe: the folder's mutex guards it.
 */
final class KeywordsReader {
  private final Path dir;
  private MaildirKeywords keywords;
  /** The file as last read: {@link #keywords} may gain letters in memory before the file is rewritten. */
  private MaildirKeywords keywordsAsRead;
  private long keywordsMtime = -1;
  /** Counts the reads that found other keywords than the read before (see {@link #generation()}). */
  private int generation;

  KeywordsReader(Path dir) {
    this.dir = dir;
  }

  /** The keywords as read, plus the letters given in memory since; null before the first {@link #read}. */
  MaildirKeywords keywords() {
    return keywords;
  }

  /** Grows when a read found other keywords than the read before: flags built from the old ones are wrong. */
  int generation() {
    return generation;
  }

  /** Rereads dovecot-keywords if it may have changed. */
  void read() {
    long m = MaildirSync.mtime(dir.resolve(MaildirKeywords.FILE));
    boolean stillMissing = m == -1 && keywordsMtime == -1;
    if (keywords != null && m == keywordsMtime
        && (stillMissing || System.currentTimeMillis() - m > CurNewListing.DIRTY_WINDOW_MILLIS)) {
      return; // unchanged, or still absent: no reread and no rebuild of the view
    }
    MaildirKeywords read = MaildirKeywords.read(dir);
    keywordsMtime = m;
    // A recent file is reread each time (its mtime may hide a change), but only a change rebuilds the view.
    if (!read.sameAs(keywordsAsRead)) {
      generation++;
    }
    keywordsAsRead = read.copy();
    keywords = read;
  }
}
