package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LfInputStreamTest {
  private static final String IN = "a\r\nb\rc\n\r\r\nd\r";
  private static final String OUT = "a\nb\rc\n\r\nd\r";

  /** Gives at most one byte per read, so every CR falls at a chunk's end. */
  private static InputStream trickle(byte[] data) {
    return new FilterInputStream(new ByteArrayInputStream(data)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(1, len));
      }
    };
  }

  @Test
  void crlfBecomesLfAndEverythingElseStays() throws Exception {
    byte[] data = IN.getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(OUT, new String(new LfInputStream(new ByteArrayInputStream(data)).readAllBytes(),
        StandardCharsets.ISO_8859_1));
    assertEquals(OUT, new String(new LfInputStream(trickle(data)).readAllBytes(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void byteByByteReadsGiveTheSame() throws Exception {
    InputStream in = new LfInputStream(new ByteArrayInputStream(IN.getBytes(StandardCharsets.ISO_8859_1)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int c; (c = in.read()) >= 0; ) {
      out.write(c);
    }
    assertEquals(OUT, out.toString(StandardCharsets.ISO_8859_1));
  }
}
