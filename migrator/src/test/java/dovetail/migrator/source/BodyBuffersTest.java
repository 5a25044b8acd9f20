package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyBuffersTest {
  private static byte[] bytes(int length, char fill) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) fill);
    return b;
  }

  @Test
  void aCopyHoldsExactlyTheBytesAskedForFromTheMiddleOfTheSource() {
    byte[] source = "xxHello, world!yy".getBytes(StandardCharsets.US_ASCII);
    byte[] copy = new BodyBuffers(1 << 20).copyOf(source, 2, 13);
    assertEquals(4096, copy.length, "the smallest size class");
    assertArrayEquals("Hello, world!".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(copy, 13));
  }

  @Test
  void aReleasedArrayIsReusedForABodyOfItsSizeClassAndOverwritten() {
    BodyBuffers buffers = new BodyBuffers(1 << 20);
    byte[] first = buffers.copyOf(bytes(5000, 'a'), 0, 5000);
    assertEquals(8192, first.length);
    buffers.release(first);
    byte[] second = buffers.copyOf(bytes(7000, 'b'), 0, 7000);
    assertSame(first, second, "same size class: the released array comes back");
    assertArrayEquals(bytes(7000, 'b'), Arrays.copyOf(second, 7000));
    assertNotSame(second, buffers.copyOf(bytes(7000, 'c'), 0, 7000), "an array in use is never handed out twice");
  }

  @Test
  void otherSizeClassesDoNotShareArrays() {
    BodyBuffers buffers = new BodyBuffers(1 << 20);
    byte[] small = buffers.copyOf(bytes(100, 'a'), 0, 100);
    buffers.release(small);
    byte[] larger = buffers.copyOf(bytes(9000, 'b'), 0, 9000);
    assertEquals(16384, larger.length);
    assertNotSame(small, larger);
  }

  @Test
  void bodiesAboveTheLargestClassAreExactAndNeverPooled() {
    BodyBuffers buffers = new BodyBuffers(64L << 20);
    int length = BodyBuffers.LARGEST + 1;
    byte[] big = buffers.copyOf(bytes(length, 'z'), 0, length);
    assertEquals(length, big.length);
    buffers.release(big);
    assertNotSame(big, buffers.copyOf(bytes(length, 'z'), 0, length));
  }

  @Test
  void thePoolKeepsNoMoreThanItsLimitAndNoForeignSizes() {
    BodyBuffers buffers = new BodyBuffers(8192);
    byte[] a = buffers.copyOf(bytes(5000, 'a'), 0, 5000);
    byte[] b = buffers.copyOf(bytes(5000, 'b'), 0, 5000);
    buffers.release(a);
    buffers.release(b); // over the 8 KiB limit: left to the GC
    assertSame(a, buffers.copyOf(bytes(5000, 'c'), 0, 5000));
    assertNotSame(b, buffers.copyOf(bytes(5000, 'd'), 0, 5000), "b was not kept");
    byte[] odd = new byte[5000];
    buffers.release(odd); // not a pooled size
    assertNotSame(odd, buffers.copyOf(bytes(5000, 'e'), 0, 5000));
  }
}
