package dovetail.store.maildir;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Counts a message's physical size and its virtual size (every bare LF counted as CRLF), for ,S= and ,W=. */
final class SizeCounter {
  /** Sixteen bytes at a time: every byte of every message passes here, and a byte loop is slow without C2. */
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
    // Bare LFs are summed per byte lane (at most 2 per lane and round) and folded before a lane can overflow:
    // cheaper than a bit count per word, which C1 calls rather than inlines. Two words per round: C1 does not
    // unroll loops (-29 % time per byte against one word per round).
    long lanes = 0;
    int roundsInLanes = 0;
    long crBefore = lastWasCr ? 0x80 : 0; // the high bit of byte 0: the byte before the word is a CR
    for (; i + 2 * Long.BYTES <= end; i += 2 * Long.BYTES) {
      long w0 = (long) WORDS.get(buf, i);
      long w1 = (long) WORDS.get(buf, i + Long.BYTES);
      long lf0 = bytesEqual(w0, LFS);
      long lf1 = bytesEqual(w1, LFS);
      if ((lf0 | lf1) != 0) {
        long cr0 = bytesEqual(w0, CRS);
        long cr1 = bytesEqual(w1, CRS);
        lanes += (lf0 & ~((cr0 << 8) | crBefore)) >>> 7;
        lanes += (lf1 & ~((cr1 << 8) | (cr0 >>> 56))) >>> 7; // cr0's top byte precedes w1's byte 0
        if (++roundsInLanes == 127) {
          lfs += sumOfLanes(lanes);
          lanes = 0;
          roundsInLanes = 0;
        }
      }
      crBefore = (w1 >>> 56) == '\r' ? 0x80 : 0; // w1's top byte, as the predecessor of the next byte 0
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
