package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.SystemFlag;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEARCH transcripts that exposed James 3.8.1's defects, run against real Dovecot and Dovetail on copies of one
 * store: SENT* dates of Date: headers in far zones just around midnight (James dated them in UTC), INTERNALDATE
 * days at midnight, and sequence and UID sets with gaps under NOT and OR (James read only the first set's
 * messages). UIDs have gaps too, so that a sequence number mistaken for a UID shows.
 */
class SearchDovecotDifferentialIT {
  @TempDir static Path tmp;
  private static DovecotTwin twin;

  private static String message(String date, String subject) {
    return (date == null ? "" : "Date: " + date + "\r\n") + "From: a@example.org\r\nSubject: " + subject
        + "\r\n\r\nbody of " + subject + "\r\n";
  }

  @BeforeAll
  static void start() throws Exception {
    List<DovecotTwin.Message> m = new ArrayList<>();
    Instant midnight = Instant.parse("2024-01-02T00:00:00Z");
    // 1: still 1 Jan at the sender, 2 Jan in UTC
    m.add(new DovecotTwin.Message(3, midnight.minusSeconds(1), Flags.NONE,
        message("Mon, 1 Jan 2024 23:30:00 -1000", "far west")));
    // 2: already 2 Jan at the sender, 1 Jan in UTC
    m.add(new DovecotTwin.Message(4, midnight, Flags.of(SystemFlag.SEEN),
        message("Tue, 2 Jan 2024 00:30:00 +1400", "far east")));
    m.add(new DovecotTwin.Message(9, midnight.plusSeconds(3600), Flags.NONE,
        message("Tue, 02 Jan 2024 12:00:00 +0000", "noon")));
    m.add(new DovecotTwin.Message(10, midnight.plusSeconds(86400 - 1), Flags.of(SystemFlag.FLAGGED),
        message(null, "no date")));
    // no weekday, no seconds, 3 Jan in Tokyo, 2 Jan in UTC
    m.add(new DovecotTwin.Message(17, midnight.plusSeconds(86400), Flags.NONE,
        message("3 Jan 2024 00:05 +0900", "tokyo")));
    // 3 Jan in California, 4 Jan in UTC; obsolete zone name
    m.add(new DovecotTwin.Message(18, midnight.plusSeconds(2 * 86400 + 1), Flags.of(SystemFlag.SEEN),
        message("Wed, 03 Jan 2024 23:59:59 PST", "california")));
    m.add(new DovecotTwin.Message(30, midnight.plusSeconds(3 * 86400), Flags.NONE,
        message("next Tuesday", "garbage date")));
    m.add(new DovecotTwin.Message(31, midnight.minusSeconds(86400), Flags.NONE,
        message("Thu, 4 Jan 2024 00:59:00 +0100 (CET)", "comment")));
    twin = DovecotTwin.start(tmp, m);
  }

  @AfterAll
  static void stop() throws Exception {
    if (twin != null) {
      twin.close();
    }
  }

  @Test
  void sentDatesAreTheSendersOwnDay() throws Exception {
    twin.assertAgree(List.of("SEARCH SENTON 1-Jan-2024", "SEARCH SENTON 2-Jan-2024", "SEARCH SENTON 3-Jan-2024",
        "SEARCH SENTON 4-Jan-2024", "SEARCH SENTBEFORE 2-Jan-2024", "SEARCH SENTBEFORE 3-Jan-2024",
        "SEARCH SENTSINCE 2-Jan-2024", "SEARCH SENTSINCE 3-Jan-2024", "SEARCH SENTSINCE 5-Jan-2024",
        "UID SEARCH SENTON 3-Jan-2024", "SEARCH NOT SENTON 2-Jan-2024", "SEARCH OR SENTON 1-Jan-2024 SENTON 4-Jan-2024"));
    // The sender in Hawaii wrote on 1 Jan (2 Jan in UTC); the one in Kiribati on 2 Jan (1 Jan in UTC).
    assertEquals("* SEARCH 1", twin.onDovetail().command("SEARCH SENTON 1-Jan-2024").get(0));
  }

  @Test
  void internalDatesAreDays() throws Exception {
    twin.assertAgree(List.of("SEARCH ON 1-Jan-2024", "SEARCH ON 2-Jan-2024", "SEARCH BEFORE 2-Jan-2024",
        "SEARCH SINCE 2-Jan-2024", "SEARCH SINCE 3-Jan-2024", "SEARCH NOT BEFORE 3-Jan-2024",
        "UID SEARCH ON 3-Jan-2024"));
  }

  @Test
  void sequenceAndUidSetsUnderNotAndOr() throws Exception {
    twin.assertAgree(List.of("SEARCH NOT 2,4", "SEARCH OR 1 UID 17", "UID SEARCH NOT 2,4", "UID SEARCH OR 1 UID 17",
        "SEARCH NOT UID 4:17", "SEARCH OR 2:3 NOT 1", "SEARCH 2,4 NOT 4", "SEARCH NOT (2:5 SEEN)",
        "SEARCH OR UID 9,30 OR 1 8", "SEARCH NOT 3:*", "SEARCH OR SEEN 7:*", "SEARCH 1:3 OR 2 5",
        "UID SEARCH UID 1:9 NOT UID 4", "SEARCH NOT NOT 2,4", "SEARCH 2,4,6 2:5"));
    assertEquals("* SEARCH 1 3 5 6 7 8", twin.onDovetail().command("SEARCH NOT 2,4").get(0));
    assertEquals("* SEARCH 1 5", twin.onDovetail().command("SEARCH OR 1 UID 17").get(0));
  }

  @Test
  void dovecotLoggedNoProblems() {
    assertTrue(twin.dovecotLogProblems().isEmpty(), twin.dovecotLogProblems().toString());
  }
}
