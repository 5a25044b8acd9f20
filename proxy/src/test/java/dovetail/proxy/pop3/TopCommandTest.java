package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** TOP's lines of a message whose header is empty (it starts with the empty line), and every other message untouched. */
class TopCommandTest {
  private static String top(String message, Integer lines) throws IOException {
    return new String(TopCommand.emptyHeaderTop(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)),
        lines).readAllBytes(), StandardCharsets.US_ASCII);
  }

  @Test
  void anEmptyHeaderThenTheBodyLinesAskedFor() throws IOException {
    String message = "\r\none\r\ntwo\r\nthree";
    assertEquals("\r\n", top(message, 0));
    assertEquals("\r\none\r\n", top(message, 1));
    assertEquals("\r\none\r\ntwo\r\n", top(message, 2));
    assertEquals(message, top(message, 3), "the last line has no line end");
    assertEquals(message, top(message, Integer.MAX_VALUE));
    assertEquals("\r\n", top("\r\n", 5));
  }

  @Test
  void otherMessagesAndOtherCommandsPassUntouched() throws IOException {
    String message = "Subject: x\r\n\r\none\r\ntwo\r\n";
    assertEquals(message, top(message, 0), "James counts these lines itself");
    assertEquals("\r\none\r\n", top("\r\none\r\n", null), "no line count: not a TOP");
    assertEquals("\n", top("\n", 0), "the maildrop gives CRLF line ends; a bare LF is not the empty header");
    assertEquals("", top("", 0));
  }
}
