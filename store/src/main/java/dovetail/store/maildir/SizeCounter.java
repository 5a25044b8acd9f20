package dovetail.store.maildir;

/** Counts a message's physical size and its virtual size (every bare LF counted as CRLF), for ,S= and ,W=. */
final class SizeCounter {
  private long size;
  private long bareLfs;
  private boolean lastWasCr;

  void update(byte[] buf, int off, int len) {
    if (len <= 0) {
      return;
    }
    int end = off + len;
    long lfs = buf[off] == '\n' && !lastWasCr ? 1 : 0;
    // Compare with the byte before instead of carrying state: a tight loop that the JIT compiles well.
    for (int i = off + 1; i < end; i++) {
      if (buf[i] == '\n' && buf[i - 1] != '\r') {
        lfs++;
      }
    }
    bareLfs += lfs;
    lastWasCr = buf[end - 1] == '\r';
    size += len;
  }

  long size() {
    return size;
  }

  long virtualSize() {
    return size + bareLfs;
  }
}
