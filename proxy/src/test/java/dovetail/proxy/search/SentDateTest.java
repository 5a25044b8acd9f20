package dovetail.proxy.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SentDateTest {
  @Test
  void theDayIsTheSendersAndTheInstantIsUtc() {
    SentDate d = SentDate.parse("Mon, 1 Jan 2024 23:30:00 -1000").orElseThrow();
    assertEquals(LocalDate.of(2024, 1, 1), d.day());
    assertEquals(Instant.parse("2024-01-02T09:30:00Z"), d.instant());
  }

  @Test
  void obsoleteFormsAreRead() {
    assertEquals(Instant.parse("2024-01-04T07:59:59Z"), SentDate.parse("Wed, 03 Jan 2024 23:59:59 PST").orElseThrow().instant());
    assertEquals(Instant.parse("2024-01-02T15:05:00Z"), SentDate.parse("3 Jan 2024 00:05 +0900").orElseThrow().instant());
    assertEquals(LocalDate.of(1999, 12, 31), SentDate.parse("31 Dec 99 10:00:00 GMT").orElseThrow().day());
    assertEquals(LocalDate.of(2003, 7, 1), SentDate.parse("Tue, 1 Jul 03 10:00:00 +0000").orElseThrow().day());
    assertEquals(Instant.parse("2024-01-03T23:59:00Z"),
        SentDate.parse("Thu, 4 Jan 2024 00:59:00 +0100 (CET)").orElseThrow().instant());
    assertEquals(0, SentDate.parse("Thu, 4 Jan 2024 00:59:00 Q").orElseThrow().offsetMinutes(), "military: -0000");
  }

  @Test
  void garbageIsNoDate() {
    assertTrue(SentDate.parse("next Tuesday").isEmpty());
    assertTrue(SentDate.parse("31 Feb 2024 10:00:00 +0000").isEmpty());
    assertTrue(SentDate.parse("").isEmpty());
  }

  @Test
  void headerFieldsAreUnfoldedAndTheFirstWins() throws Exception {
    String header = "Subject: one\r\n two\r\nDate: Mon, 1 Jan 2024\r\n 10:00:00 +0000\r\nsubject: later\r\n\r\nDate: body";
    HeaderFields h = HeaderFields.read(new ByteArrayInputStream(header.getBytes(StandardCharsets.UTF_8)));
    assertEquals("one two", h.first("SUBJECT").orElseThrow());
    assertEquals("Mon, 1 Jan 2024 10:00:00 +0000", h.first("date").orElseThrow());
    assertTrue(h.first("From").isEmpty());
    assertTrue(HeaderFields.read(new ByteArrayInputStream("X: 1\n\nY: 2\n".getBytes(StandardCharsets.UTF_8)))
        .first("Y").isEmpty(), "the body is not header");
  }
}
