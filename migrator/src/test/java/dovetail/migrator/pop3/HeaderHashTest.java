package dovetail.migrator.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderHashTest {
  private static String hash(String s) {
    return HeaderHash.of(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void imapAndPop3CopiesOfOneHeaderHashAlikeDespiteServerDifferences() {
    String imap = "Return-Path: <a@b>\r\nFrom: Ann <a@b>\r\nSubject: caf\u00e9\r\nX-UID: 17\r\nStatus: RO\r\n\r\n";
    String pop3 = "From: Ann <a@b>\nSubject: caf?\nX-UIDL: abc\nX-Status: A\n\nbody is ignored\n";
    assertEquals(hash(imap), hash(pop3));
  }

  @Test
  void skippedHeadersTakeTheirContinuationLinesAlong() {
    assertEquals(hash("From: a\r\nSubject: s\r\n\r\n"),
        hash("From: a\r\nX-Keywords: one\r\n two\r\nSubject: s\r\n\r\n"));
  }

  @Test
  void invalidHeaderNamesAreIgnoredAndACrOnlyLineEndsTheHeader() {
    assertEquals(hash("From: a\r\n\r\n"), hash("From: a\r\nBad\u00ffName: x\r\n\r\n"));
    assertEquals(hash("From: a\r\nTo: b\r\n\r\r\n"), hash("From: a\r\nTo: b\r\n\r\r\nSubject: only in POP3\r\n\r\n"));
  }

  @Test
  void runsOfOddBytesCollapseToOneQuestionMark() {
    assertEquals(hash("Subject: ?\r\n\r\n"), hash("Subject: \u00e4\u00f6\u00fc\u0000?\r\n\r\n"));
  }

  @Test
  void differentHeadersHashDifferently() {
    assertNotEquals(hash("Subject: one\r\n\r\n"), hash("Subject: two\r\n\r\n"));
    assertNotEquals(hash("Subject: one\r\n\r\n"), hash("Subject: one\r\n"), "the end-of-header line counts");
  }
}
