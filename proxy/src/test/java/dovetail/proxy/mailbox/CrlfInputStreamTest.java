package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CrlfInputStreamTest {
  private static byte[] convert(String s, int chunk) throws IOException {
    InputStream in = new CrlfInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[chunk];
    int n;
    while ((n = in.read(buf, 0, chunk)) >= 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void bareLfBecomesCrlfAndCrlfStaysWhateverTheReadSize() throws IOException {
    String mixed = "a\nb\r\nc\rd\n\n\r\n";
    byte[] expected = "a\r\nb\r\nc\rd\r\n\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    for (int chunk : new int[] {1, 2, 3, 7, 8192}) {
      assertArrayEquals(expected, convert(mixed, chunk), "chunk " + chunk);
    }
  }

  @Test
  void sizeMatchesTheVirtualSizeRuleForLargeInput() throws IOException {
    String line = "x".repeat(997) + "\n";
    String body = line.repeat(5000);
    assertEquals(body.length() + 5000, convert(body, 4096).length);
  }

  @Test
  void skipCountsConvertedBytes() throws IOException {
    InputStream in = new CrlfInputStream(new ByteArrayInputStream("ab\ncd".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(3, in.skip(3));
    assertEquals('\n', in.read());
    assertEquals('c', in.read());
  }
}
