package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.junit.jupiter.api.Test;

/** Our response framing against Angus's own, on the same bytes arriving in pieces of any size. */
class BufferedResponseInputTest {

  /** What a stream of responses frames into, response by response, with one reused ByteArray as FetchInbox does. */
  private static List<byte[]> frame(ResponseInputStream in, int responses) throws IOException {
    List<byte[]> out = new ArrayList<>();
    ByteArray reuse = new ByteArray(16);
    for (int i = 0; i < responses; i++) {
      ByteArray r = in.readResponse(reuse);
      out.add(Arrays.copyOfRange(r.getBytes(), r.getStart(), r.getStart() + r.getCount()));
    }
    return out;
  }

  /** Hands out at most a few bytes per read, as a slow socket does. */
  private static InputStream trickle(byte[] data, Random random, int most) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(most)));
      }
    };
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void assertSameFraming(byte[] stream, int responses, long seed) throws IOException {
    List<byte[]> angus = frame(new ResponseInputStream(new ByteArrayInputStream(stream)), responses);
    for (int most : new int[] {1, 7, 100, 70_000}) {
      List<byte[]> ours = frame(new BufferedResponseInput(trickle(stream, new Random(seed), most)), responses);
      assertEquals(angus.size(), ours.size());
      for (int i = 0; i < angus.size(); i++) {
        assertArrayEquals(angus.get(i), ours.get(i), "response " + i + ", pieces of up to " + most + " bytes, seed "
            + seed + ": " + new String(angus.get(i), StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void oddLinesAndLiteralsFrameAsAngusFramesThem() throws IOException {
    String[] responses = {
        "* OK [CAPABILITY IMAP4rev1] ready\r\n",
        "* 1 FETCH (UID 5 BODY[]<0> {12}\r\nSubject: x\r\n)\r\n",
        "* 2 FETCH (UID 6 BODY[] {0}\r\n)\r\n",
        "* 3 FETCH (UID 7 BODY[] {5}\r\na}\r\nb FLAGS (\\Seen))\r\n", // a literal that looks like a line end with '}'
        "* 4 FETCH (BODY[HEADER] {3}\r\nx\r\n BODY[TEXT] {4}\r\n{1}\r\n)\r\n", // two literals, one looking like one
        "* OK bare\nLF inside\r\n", // a bare LF ends no line
        "* OK brace {x}\r\n", // no number: no literal
        "* OK {-1}\r\nnext line belongs to it\r\n", // Angus reads a negative count as none and goes on
        "* OK {}\r\n",
        "* OK {99999999999}\r\n", // beyond an int: no literal
        "a1 OK done\r\n",
    };
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (String r : responses) {
      stream.writeBytes(ascii(r));
    }
    assertSameFraming(stream.toByteArray(), responses.length, 1);
  }

  @Test
  void randomResponsesWithLargeLiteralsFrameAsAngusFramesThem() throws IOException {
    Random random = new Random(42);
    byte[] alphabet = ascii("ab{}\r\n 0123-x");
    for (int round = 0; round < 30; round++) {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      int responses = 1 + random.nextInt(20);
      for (int r = 0; r < responses; r++) {
        stream.writeBytes(ascii("* " + r + " FETCH (UID " + r + " BODY[]"));
        int literals = random.nextInt(3);
        for (int l = 0; l < literals; l++) {
          int size = random.nextInt(4) == 0 ? random.nextInt(300_000) : random.nextInt(200);
          byte[] body = new byte[size];
          for (int i = 0; i < size; i++) {
            body[i] = alphabet[random.nextInt(alphabet.length)];
          }
          stream.writeBytes(ascii(" {" + size + "}\r\n"));
          stream.writeBytes(body);
        }
        stream.writeBytes(ascii(")\r\n"));
      }
      assertSameFraming(stream.toByteArray(), responses, round);
    }
  }

  @Test
  void aConnectionThatEndsMidResponseIsAnIoErrorAsWithAngus() {
    for (String cut : new String[] {"* OK no line end", "* 1 FETCH (BODY[] {10}\r\nonly5", "* OK line\r"}) {
      IOException e = assertThrows(IOException.class,
          () -> new BufferedResponseInput(new ByteArrayInputStream(ascii(cut))).readResponse());
      assertEquals("Connection dropped by server?", e.getMessage(), cut);
      assertThrows(IOException.class, () -> new ResponseInputStream(new ByteArrayInputStream(ascii(cut))).readResponse(),
          "Angus too: " + cut);
    }
  }

  @Test
  void availableCountsWhatIsBufferedAndWhatTheStreamHas() throws IOException {
    BufferedResponseInput in = new BufferedResponseInput(new ByteArrayInputStream(ascii("* OK a\r\n* OK b\r\n")));
    assertEquals(16, in.available());
    in.readResponse();
    assertEquals(8, in.available(), "the second response, buffered");
    in.readResponse();
    assertEquals(0, in.available());
  }

  /** A line without end would fill the heap: it fails once past the bound, literals not counted. */
  @Test
  void aResponseLongerThanTheBoundOutsideItsLiteralsFailsAndLiteralsDoNotCount() throws IOException {
    String literal = "x".repeat(5000);
    byte[] fine = ascii("* 1 FETCH (UID 1 BODY[] {5000}\r\n" + literal + " X \"" + "y".repeat(900) + "\")\r\n");
    BufferedResponseInput bounded = new BufferedResponseInput(new ByteArrayInputStream(fine), 1000);
    assertEquals(fine.length, bounded.readResponse().getCount(), "5 kB in a literal, under 1 kB outside it");

    byte[] endless = ascii("* 1 FETCH (UID 1 X \"" + "y".repeat(100_000) + "\")\r\n");
    ResponseTooLongException e = assertThrows(ResponseTooLongException.class,
        () -> new BufferedResponseInput(new ByteArrayInputStream(endless), 1000).readResponse());
    assertEquals("the server sent a response line longer than 1000 bytes (outside literals);"
        + " a broken or hostile legacy server", e.getMessage());
  }
}
