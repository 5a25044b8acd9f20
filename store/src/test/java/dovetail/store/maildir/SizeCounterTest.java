package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SizeCounterTest {
  @Test
  void countsBareLfsWhereverTheBuffersSplitTheBytes() {
    Random random = new Random(7);
    byte[] alphabet = {'\r', '\n', 'a', ' '};
    for (int round = 0; round < 200; round++) {
      byte[] data = new byte[random.nextInt(300)];
      long bareLfs = 0;
      for (int i = 0; i < data.length; i++) {
        data[i] = alphabet[random.nextInt(alphabet.length)];
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
          bareLfs++;
        }
      }
      SizeCounter counter = new SizeCounter();
      int at = 0;
      while (at < data.length) {
        int n = Math.min(data.length - at, random.nextInt(5)); // empty pieces and CR/LF split across pieces
        counter.update(data, at, n);
        at += n;
      }
      assertEquals(data.length, counter.size());
      assertEquals(data.length + bareLfs, counter.virtualSize(), "round " + round);
    }
  }

  /** Long pieces at odd offsets, and bytes that differ from CR or LF in one bit: the word-wise count must not care. */
  @Test
  void countsExactlyInLongPiecesWithLookalikeBytes() {
    Random random = new Random(11);
    byte[] alphabet = {'\r', '\n', 'a', 0x0B, 0x0C, 0x09, 0x0E, 0x1A, 0x1D, (byte) 0x8A, (byte) 0x8D, (byte) 0xFF, 0x00};
    for (int round = 0; round < 500; round++) {
      byte[] data = new byte[random.nextInt(2000)];
      long bareLfs = 0;
      for (int i = 0; i < data.length; i++) {
        data[i] = alphabet[random.nextInt(alphabet.length)];
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
          bareLfs++;
        }
      }
      int start = random.nextInt(9);
      byte[] shifted = new byte[start + data.length];
      System.arraycopy(data, 0, shifted, start, data.length);
      SizeCounter counter = new SizeCounter();
      int at = 0;
      while (at < data.length) {
        int n = Math.min(data.length - at, random.nextInt(120));
        counter.update(shifted, start + at, n);
        at += n;
      }
      assertEquals(data.length + bareLfs, counter.virtualSize(), "round " + round);
    }
  }

  /** Pieces long enough that the per-lane sums must be folded (every byte a bare LF fills a lane in 255 words). */
  @Test
  void countsEveryBareLfInLongDensePieces() {
    byte[] allLf = new byte[100_003];
    java.util.Arrays.fill(allLf, (byte) '\n');
    SizeCounter only = new SizeCounter();
    only.update(allLf, 0, allLf.length);
    assertEquals(2L * allLf.length, only.virtualSize());

    Random random = new Random(13);
    byte[] alphabet = {'\n', '\n', '\n', '\r', 'a'};
    for (int round = 0; round < 20; round++) {
      byte[] data = new byte[30_000 + random.nextInt(40_000)];
      long bareLfs = 0;
      for (int i = 0; i < data.length; i++) {
        data[i] = alphabet[random.nextInt(alphabet.length)];
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r')) {
          bareLfs++;
        }
      }
      SizeCounter counter = new SizeCounter();
      int at = 0;
      while (at < data.length) {
        int n = Math.min(data.length - at, 1 + random.nextInt(20_000));
        counter.update(data, at, n);
        at += n;
      }
      assertEquals(data.length + bareLfs, counter.virtualSize(), "round " + round);
    }
  }
}
