package dovetail.store.maildir;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Counts a message's physical size and its virtual size (every bare LF counted as CRLF), for ,S= and ,W=. */
final class SizeCounter {
  /** Eight bytes at a time: every byte of every message passes here, and a byte loop is slow without C2. */
  private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
  private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

  private long size;
  private long bareLfs;
  private boolean lastWasCr;

  void update(byte[] buf, int off, int len) {
    if (len <= 0) {
      return;
    }
    int end = off + len;
    int i = off;
    long lfs = 0;
    long crBefore = lastWasCr ? 0x80 : 0; // the high bit of byte 0: the byte before the word is a CR
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      long word = (long) WORDS.get(buf, i);
      long lf = bytesEqual(word, LFS);
      long cr = bytesEqual(word, CRS);
      if (lf != 0) {
        lfs += Long.bitCount(lf & ~((cr << 8) | crBefore));
      }
      crBefore = cr >>> 56; // the top byte's marker, moved to byte 0 of the next word
    }
    boolean previousCr = crBefore != 0;
    for (; i < end; i++) {
      byte b = buf[i];
      if (b == '\n' && !previousCr) {
        lfs++;
      }
      previousCr = b == '\r';
    }
    bareLfs += lfs;
    lastWasCr = previousCr;
    size += len;
  }

  /** The high bit of each byte of {@code word} that equals the byte repeated in {@code pattern}; exact. */
  private static long bytesEqual(long word, long pattern) {
    long x = word ^ pattern; // zero bytes where equal
    return ~(((x & LOW7) + LOW7) | x | LOW7);
  }

  long size() {
    return size;
  }

  long virtualSize() {
    return size + bareLfs;
  }
}
