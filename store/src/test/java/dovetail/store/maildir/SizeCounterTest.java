package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SizeCounterTest {
  @Test
  void countsBareLfsWhereverTheBuffersSplitTheBytes() {
    Random random = new Random(7);
    byte[] alphabet = {'\r', '\n', 'a', ' '};
    for (int round = 0; round < 200; round++) {
      byte[] data = randomBytes(random, alphabet, random.nextInt(300));
      // empty pieces, and CR/LF split across pieces
      SizeCounter counter = countInPieces(data, 0, data.length, random, 5);
      assertEquals(data.length, counter.size());
      assertEquals(data.length + bareLfs(data), counter.virtualSize(), "round " + round);
    }
  }

  /** Long pieces at odd offsets, and bytes that differ from CR or LF in one bit: the word-wise count must not care. */
  @Test
  void countsExactlyInLongPiecesWithLookalikeBytes() {
    Random random = new Random(11);
    byte[] alphabet = {'\r', '\n', 'a', 0x0B, 0x0C, 0x09, 0x0E, 0x1A, 0x1D, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF, 0x00};
    for (int round = 0; round < 500; round++) {
      byte[] data = randomBytes(random, alphabet, random.nextInt(2000));
      int start = random.nextInt(9);
      byte[] shifted = new byte[start + data.length];
      System.arraycopy(data, 0, shifted, start, data.length);
      SizeCounter counter = countInPieces(shifted, start, data.length, random, 120);
      assertEquals(data.length + bareLfs(data), counter.virtualSize(), "round " + round);
    }
  }

  /** Pieces long enough that the per-lane sums must be folded (every byte a bare LF fills a lane in 127 rounds). */
  @Test
  void countsEveryBareLfInLongDensePieces() {
    byte[] allLf = new byte[100_003];
    Arrays.fill(allLf, (byte) '\n');
    SizeCounter only = new SizeCounter();
    only.update(allLf, 0, allLf.length);
    assertEquals(2L * allLf.length, only.virtualSize());

    Random random = new Random(13);
    byte[] alphabet = {'\n', '\n', '\n', '\r', 'a'};
    for (int round = 0; round < 20; round++) {
      byte[] data = randomBytes(random, alphabet, 30_000 + random.nextInt(40_000));
      SizeCounter counter = countInPieces(data, 0, data.length, random, 20_000);
      assertEquals(data.length + bareLfs(data), counter.virtualSize(), "round " + round);
    }
  }

  private static byte[] randomBytes(Random random, byte[] alphabet, int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return data;
  }

  /** The expected count, byte by byte: an LF not preceded by a CR. */
  private static long bareLfs(byte[] data) {
    long bare = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
        bare++;
      }
    }
    return bare;
  }

  /** Feeds {@code length} bytes from {@code start} in pieces of 0 to {@code maxPiece - 1} bytes. */
  private static SizeCounter countInPieces(byte[] bytes, int start, int length, Random random, int maxPiece) {
    SizeCounter counter = new SizeCounter();
    int at = 0;
    while (at < length) {
      int n = Math.min(length - at, random.nextInt(maxPiece));
      counter.update(bytes, start + at, n);
      at += n;
    }
    return counter;
  }
}
