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
}
