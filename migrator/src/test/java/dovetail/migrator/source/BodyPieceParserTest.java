package dovetail.migrator.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.eclipse.angus.mail.iap.ByteArray;
import org.junit.jupiter.api.Test;

class BodyPieceParserTest {
  private final BodyPieceParser parser = new BodyPieceParser();

  @Test
  void dovecotsAnswerGivesUidOriginAndTheLiteralsExactBytes() {
    assertTrue(parser.parse(raw("* 3 FETCH (UID 7 BODY[]<0> {5}\r\nHello)\r\n")));
    assertEquals(7, parser.uid());
    assertEquals(0, parser.origin());
    assertArrayEquals(bytes("Hello"), body(parser.data()));
  }

  @Test
  void itemsInAnyOrderInAnyCaseWithFlagsAndModseqBesides() {
    assertTrue(parser.parse(raw("* 3 fetch (Body[]<65536> {3}\r\nabc uid 4294967295 FLAGS (\\Seen $Label1) MODSEQ (12))\r\n")));
    assertEquals(4294967295L, parser.uid());
    assertEquals(65536, parser.origin());
    assertArrayEquals(bytes("abc"), body(parser.data()));
  }

  @Test
  void aBodyWithoutOriginHasOriginMinusOne() {
    assertTrue(parser.parse(raw("* 1 FETCH (UID 1 BODY[] {10}\r\nSubject: x)\r\n")));
    assertEquals(-1, parser.origin());
    assertArrayEquals(bytes("Subject: x"), body(parser.data()));
  }

  @Test
  void theLiteralIsTakenByItsLengthWhateverItContains() {
    String content = "a)\r\n* 4 FETCH (UID 9 BODY[] {2}\r\n\u00e9\u00ff\r\n\r\n";
    assertTrue(parser.parse(raw("* 3 FETCH (UID 8 BODY[]<0> {" + content.length() + "}\r\n" + content + ")\r\n")));
    assertEquals(8, parser.uid());
    assertArrayEquals(bytes(content), body(parser.data()));
  }

  @Test
  void anEmptyLiteralIsAnEmptyBody() {
    assertTrue(parser.parse(raw("* 3 FETCH (UID 8 BODY[]<0> {0}\r\n)\r\n")));
    assertEquals(0, parser.data().getCount());
  }

  @Test
  void theResponseMayStartInsideItsArray() {
    byte[] padded = bytes("xxxx* 3 FETCH (UID 7 BODY[]<0> {2}\r\nok)\r\nyy");
    assertTrue(parser.parse(new ByteArray(padded, 4, padded.length - 6)));
    assertArrayEquals(bytes("ok"), body(parser.data()));
  }

  @Test
  void everythingElseIsLeftToAngus() {
    for (String other : new String[] {
        "a1 OK done\r\n",
        "* 5 EXISTS\r\n",
        "* BYE shutting down\r\n",
        "* 2 FETCH (FLAGS (\\Seen))\r\n",
        "* 2 FETCH (UID 2 BODY[]<0> NIL)\r\n",
        "* 3 FETCH (UID 3 BODY[]<0> \"\")\r\n",
        "* 3 FETCH (BODY[]<0> {2}\r\nok)\r\n", // no UID
        "* 3 FETCH (UID 3 BODY[HEADER] {2}\r\nok)\r\n",
        "* 3 FETCH (UID 3 RFC822.SIZE 2 BODY[] {2}\r\nok)\r\n",
        "* 3 FETCH (UID 3 BODY[]<0> {2+}\r\nok)\r\n",
        "* 3 FETCH (UID 3 BODY[]<0> {9}\r\nok)\r\n", // shorter than announced
        "* 3 FETCH (UID 3 BODY[]<0> {2}\r\nok) x\r\n",
        "* 3 FETCH (UID 3 BODY[]<0> {2}\r\nok\r\n",
        "* 3 FETCH (UID 3 BODY[]<0> {2}\r\nok)",
        "* 3 FETCH (UID 3 FLAGS (\\Seen (x)) BODY[]<0> {2}\r\nok)\r\n",
        "* 3 FETCH (UID 12345678901 BODY[]<0> {2}\r\nok)\r\n",
        "* 3 FETCH (UID 0 BODY[]<0> {2}\r\nok)\r\n",
        "",
    }) {
      assertFalse(parser.parse(raw(other)), other);
    }
  }

  private static ByteArray raw(String response) {
    byte[] b = bytes(response);
    return new ByteArray(b, 0, b.length);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }

  private static byte[] body(ByteArray data) {
    return Arrays.copyOfRange(data.getBytes(), data.getStart(), data.getStart() + data.getCount());
  }
}
