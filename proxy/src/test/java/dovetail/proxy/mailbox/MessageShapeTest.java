package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageShapeTest {
  private static MessageShape scan(String raw) throws IOException {
    return MessageShape.scan(new CrlfInputStream(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))));
  }

  @Test
  void headerEndsAfterTheEmptyLineInCrlfForm() throws IOException {
    MessageShape shape = scan("Subject: x\nFrom: a@b\n\nbody\nmore\n");
    assertEquals("Subject: x\r\nFrom: a@b\r\n\r\n".length(), shape.headerOctets());
    assertEquals("text", shape.mediaType());
    assertEquals("plain", shape.subType());
    assertEquals(2L, shape.textualLineCount());
  }

  @Test
  void aMessageWithoutEmptyLineIsAllHeader() throws IOException {
    MessageShape shape = scan("Subject: header only\r\nFrom: a@b");
    assertEquals("Subject: header only\r\nFrom: a@b".length(), shape.headerOctets());
  }

  @Test
  void anEmptyHeaderIsJustTheEmptyLine() throws IOException {
    assertEquals(2, scan("\r\nbody only\r\n").headerOctets());
  }

  @Test
  void multipartHasNoLineCount() throws IOException {
    MessageShape shape = scan("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\npart\r\n--b--\r\n");
    assertEquals("multipart", shape.mediaType());
    assertEquals("mixed", shape.subType());
    assertNull(shape.textualLineCount());
    assertEquals("b", shape.properties().getContentTypeParameters().get("boundary"));
  }
}
