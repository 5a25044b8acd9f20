package dovetail.proxy.imap;

import static dovetail.proxy.imap.QresyncReplies.flagFetches;
import static dovetail.proxy.imap.QresyncReplies.highestModSeq;
import static dovetail.proxy.imap.QresyncReplies.uidValidity;
import static dovetail.proxy.imap.QresyncReplies.vanished;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QRESYNC with real Dovecot serving the same store: Dovecot's own clients and Dovetail's each change the folder,
 * and a client resyncing against Dovetail hears the same VANISHED set and flag changes as one resyncing against
 * Dovecot. Mod-sequence values differ between the two (each server numbers its own), so each client keeps the
 * value its own server gave it; everything else is compared as it is.
 */
class QresyncDovecotIT {
  private static final String USER = "alice";

  @TempDir Path tmp;
  private DovecotServer dovecot;
  private TestDovetail dovetail;

  @BeforeEach
  void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path work = tmp.resolve("dovecot");
    dovecot = DovecotServer.builder(work).user(USER, "secret").autoCreateSpecialUse(false).start();
    try (ImapProbe probe = ImapProbe.login(dovecot, USER)) {
      for (int i = 1; i <= 7; i++) {
        probe.append("INBOX", ("Subject: " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII),
            List.of(), Instant.parse("2024-01-01T00:00:00Z"));
      }
      probe.expunge("INBOX", List.of(2L));
    }
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user(USER, "{PLAIN}secret")
        .mailLocation("maildir:" + work.resolve("home") + "/%n/Maildir").start();
  }

  @AfterEach
  void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static RawImap login(int port) throws Exception {
    RawImap imap = RawImap.connect(port);
    ok(imap.command("LOGIN " + USER + " secret"));
    return imap;
  }

  private static List<String> ok(List<String> lines) {
    assertTrue(RawImap.last(lines).matches("a\\d+ OK.*"), lines.toString());
    return lines;
  }

  /** ENABLE QRESYNC and SELECT: the UIDVALIDITY and HIGHESTMODSEQ a client caches. */
  private static long[] cache(int port) throws Exception {
    try (RawImap imap = login(port)) {
      List<String> enabled = ok(imap.command("ENABLE QRESYNC"));
      assertTrue(enabled.contains("* ENABLED QRESYNC"), enabled.toString());
      List<String> select = ok(imap.command("SELECT INBOX"));
      return new long[] {uidValidity(select), highestModSeq(select)};
    }
  }

  /** What a resync told the client; fetchLines and plainVanished catch repeated or stray announcements. */
  private record Resync(Set<Long> selectVanished, Map<Long, List<String>> selectFlags, Set<Long> fetchVanished,
      Map<Long, List<String>> fetchFlags, int fetchLines, Set<Long> plainVanished) {}

  private static Resync resync(int port, long[] cached) throws Exception {
    try (RawImap imap = login(port)) {
      ok(imap.command("ENABLE QRESYNC"));
      List<String> select = ok(imap.command("SELECT INBOX (QRESYNC (" + cached[0] + " " + cached[1] + "))"));
      List<String> fetch = ok(imap.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + cached[1] + " VANISHED)"));
      List<String> both = new ArrayList<>(select);
      both.addAll(fetch);
      return new Resync(vanished(select, true), flagFetches(select), vanished(fetch, true), flagFetches(fetch),
          QresyncReplies.fetches(both).size(), vanished(both, false));
    }
  }

  @Test
  void aClientResyncingAgainstDovetailHearsWhatOneResyncingAgainstDovecotHears() throws Exception {
    long[] atDovetail = cache(dovetail.imapPort());
    long[] atDovecot = cache(dovecot.imapPort());
    assertEquals(atDovecot[0], atDovetail[0], "one store, one UIDVALIDITY");

    try (RawImap viaDovetail = login(dovetail.imapPort()); RawImap viaDovecot = login(dovecot.imapPort())) {
      ok(viaDovetail.command("SELECT INBOX"));
      ok(viaDovetail.command("UID STORE 3 +FLAGS.SILENT (\\Flagged)"));
      ok(viaDovetail.command("UID STORE 5 +FLAGS.SILENT (\\Deleted)"));
      ok(viaDovetail.command("EXPUNGE"));
      ok(viaDovecot.command("SELECT INBOX"));
      ok(viaDovecot.command("UID STORE 4 +FLAGS.SILENT (\\Answered)"));
      ok(viaDovecot.command("UID STORE 6 +FLAGS.SILENT (\\Deleted)"));
      ok(viaDovecot.command("EXPUNGE"));
    }

    Resync dovetailSays = resync(dovetail.imapPort(), atDovetail);
    Resync dovecotSays = resync(dovecot.imapPort(), atDovecot);
    assertEquals(dovecotSays, dovetailSays);
    assertEquals(new Resync(Set.of(5L, 6L), Map.of(3L, List.of("\\Flagged"), 4L, List.of("\\Answered")),
        Set.of(5L, 6L), Map.of(3L, List.of("\\Flagged"), 4L, List.of("\\Answered")), 4, Set.of()), dovetailSays);
    assertTrue(dovecot.logProblems().isEmpty(), dovecot.logProblems().toString());
  }

  @Test
  void bothAnnounceExpungesAsVanishedAfterEnableQresync() throws Exception {
    try (RawImap dt = login(dovetail.imapPort()); RawImap dc = login(dovecot.imapPort())) {
      for (RawImap imap : List.of(dt, dc)) {
        ok(imap.command("ENABLE QRESYNC"));
        ok(imap.command("SELECT INBOX"));
      }
      ok(dt.command("UID STORE 1 +FLAGS.SILENT (\\Deleted)"));
      List<String> own = ok(dt.command("EXPUNGE"));
      List<String> seen = ok(dc.command("NOOP"));
      assertEquals(Set.of(1L), vanished(own, false), own.toString());
      assertEquals(Set.of(1L), vanished(seen, false), "Dovecot's client: " + seen);

      ok(dc.command("UID STORE 3 +FLAGS.SILENT (\\Deleted)"));
      List<String> dovecotOwn = ok(dc.command("EXPUNGE"));
      List<String> dovetailSeen = ok(dt.command("NOOP"));
      assertEquals(Set.of(3L), vanished(dovecotOwn, false), dovecotOwn.toString());
      assertEquals(Set.of(3L), vanished(dovetailSeen, false), "Dovetail's client: " + dovetailSeen);
      for (RawImap imap : List.of(dt, dc)) {
        List<String> reopened = ok(imap.command("EXAMINE INBOX"));
        assertTrue(reopened.stream().anyMatch(l -> l.startsWith("* OK [CLOSED]")), "the same mailbox: " + reopened);
      }
      for (List<String> lines : List.of(own, seen, dovecotOwn, dovetailSeen)) {
        assertFalse(QresyncReplies.hasExpunge(lines), lines.toString());
      }
      assertTrue(RawImap.last(own).contains("[HIGHESTMODSEQ "), own.toString());
      assertTrue(RawImap.last(dovecotOwn).contains("[HIGHESTMODSEQ "), dovecotOwn.toString());
    }
    assertTrue(dovecot.logProblems().isEmpty(), dovecot.logProblems().toString());
  }
}
