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
    // Bare LFs are summed per byte lane (0 or 1 per word and lane) and folded before a lane can overflow:
    // cheaper than a bit count per word, which C1 calls rather than inlines.
    long lanes = 0;
    int wordsInLanes = 0;
    long crBefore = lastWasCr ? 0x80 : 0; // the high bit of byte 0: the byte before the word is a CR
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      long word = (long) WORDS.get(buf, i);
      long lf = bytesEqual(word, LFS);
      if (lf != 0) {
        long cr = bytesEqual(word, CRS);
        lanes += (lf & ~((cr << 8) | crBefore)) >>> 7;
        if (++wordsInLanes == 255) {
          lfs += sumOfLanes(lanes);
          lanes = 0;
          wordsInLanes = 0;
        }
      }
      crBefore = (word >>> 56) == '\r' ? 0x80 : 0; // the top byte, as byte 0's predecessor in the next word
    }
    lfs += sumOfLanes(lanes);
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

  /** The sum of the eight byte lanes of {@code lanes} (each at most 255). */
  private static long sumOfLanes(long lanes) {
    long pairs = (lanes & 0x00FF00FF00FF00FFL) + ((lanes >>> 8) & 0x00FF00FF00FF00FFL); // four 16-bit sums
    return (pairs * 0x0001000100010001L) >>> 48;
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
