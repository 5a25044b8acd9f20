package dovetail.store.maildir;

/** Counts a message's physical size and its virtual size (every bare LF counted as CRLF), for ,S= and ,W=. */
final class SizeCounter {
  private long size;
  private long bareLfs;
  private boolean lastWasCr;

  void update(byte[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      byte b = buf[i];
      if (b == '\n' && !lastWasCr) {
        bareLfs++;
      }
      lastWasCr = b == '\r';
    }
    size += len;
  }

  long size() {
    return size;
  }

  long virtualSize() {
    return size + bareLfs;
  }
}
