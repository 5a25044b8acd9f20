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

  /** The header alone ends where the full scan ends it, in each of the cases below. */
  private static void assertHeaderAgrees(String raw) throws IOException {
    byte[] header = MessageShape.header(new CrlfInputStream(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1))),
        1000);
    assertEquals(scan(raw).headerOctets(), header.length);
    String crlf = new String(new CrlfInputStream(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)))
        .readAllBytes(), StandardCharsets.ISO_8859_1);
    assertEquals(crlf.substring(0, header.length), new String(header, StandardCharsets.ISO_8859_1));
  }

  @Test
  void theHeaderAloneEndsWhereTheScanEndsIt() throws IOException {
    assertHeaderAgrees("Subject: x\nFrom: a@b\n\nbody\nmore\n");
    assertHeaderAgrees("Subject: header only\r\nFrom: a@b");
    assertHeaderAgrees("\r\nbody only\r\n");
    assertHeaderAgrees("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\r\npart\r\n--b--\r\n");
  }

  @Test
  void aHeaderLongerThanTheLimitIsNotKept() throws IOException {
    String raw = "X-Long: " + "x".repeat(100) + "\r\n\r\nbody\r\n";
    assertNull(MessageShape.header(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), 100));
    assertEquals(raw.indexOf("body"),
        MessageShape.header(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), raw.indexOf("body")).length);
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
