package dovetail.migrator.source;

import java.util.ArrayDeque;

/**
 * Reused arrays for message bodies. A fresh array per message made the JVM zero, fault in and collect
 * as many bytes as it copied (on a machine with little memory bandwidth, each pass over the data costs
 * about as much as the copy itself); reused arrays stay mapped and warm. Arrays come in power-of-two
 * sizes from 4 KiB to {@link #LARGEST}; the pool keeps at most {@code maxPooledBytes}. An array that is
 * never released only costs what a fresh one would have.
 */
final class BodyBuffers {
  /** Bodies above this are not pooled (they are rare, and one of them must not pin memory). */
  static final int LARGEST = 2 << 20;
  private static final int SMALLEST_SHIFT = 12;

  private final ArrayDeque<byte[]>[] free;
  private final long maxPooledBytes;
  private long pooledBytes;

  @SuppressWarnings("unchecked")
  BodyBuffers(long maxPooledBytes) {
    this.maxPooledBytes = maxPooledBytes;
    this.free = new ArrayDeque[sizeClass(LARGEST) + 1];
    for (int i = 0; i < free.length; i++) {
      free[i] = new ArrayDeque<>();
    }
  }

  /** An array of at least {@code length} bytes holding {@code source[offset, offset + length)}. */
  byte[] copyOf(byte[] source, int offset, int length) {
    byte[] into = length > LARGEST ? new byte[length] : take(sizeClass(length));
    System.arraycopy(source, offset, into, 0, length);
    return into;
  }

  /** Gives an array back once nobody reads it any more; arrays of other sizes are left to the GC. */
  synchronized void release(byte[] array) {
    int length = array.length;
    if (length > LARGEST || length < (1 << SMALLEST_SHIFT) || Integer.bitCount(length) != 1
        || pooledBytes + length > maxPooledBytes) {
      return;
    }
    free[sizeClass(length)].push(array);
    pooledBytes += length;
  }

  private synchronized byte[] take(int sizeClass) {
    byte[] array = free[sizeClass].poll();
    if (array == null) {
      return new byte[1 << (sizeClass + SMALLEST_SHIFT)];
    }
    pooledBytes -= array.length;
    return array;
  }

  private static int sizeClass(int length) {
    int bits = 32 - Integer.numberOfLeadingZeros(Math.max(length, 1) - 1);
    return Math.max(0, bits - SMALLEST_SHIFT);
  }
}
