package dovetail.proxy.imap;

import static dovetail.proxy.imap.QresyncReplies.flagFetches;
import static dovetail.proxy.imap.QresyncReplies.highestModSeq;
import static dovetail.proxy.imap.QresyncReplies.uidValidity;
import static dovetail.proxy.imap.QresyncReplies.vanished;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QRESYNC (RFC 7162) over real sockets: a client that cached a folder's state comes back after other sessions and
 * other writers expunged messages and changed flags, and hears exactly what changed since its mod-sequence.
 */
class QresyncIT {
  @TempDir Path dir;
  private TestDovetail dovetail;

  @AfterEach
  void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /**
   * INBOX with UIDs 1..7, of which 2 was expunged before Dovetail ever looked at the folder; migrated from a legacy
   * server whose HIGHESTMODSEQ was 500.
   */
  private MailStore storeWithSevenMessages() {
    MailStore store = dovetail.store("alice");
    Mailbox inbox = store.create("INBOX", 777, 1);
    for (int i = 1; i <= 7; i++) {
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    inbox.expunge(List.of(2L));
    inbox.writeDovetailState(Map.of("legacy.highestmodseq", "500"));
    return store;
  }

  private RawImap login() throws Exception {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    imap.command("LOGIN alice secret");
    return imap;
  }

  private static List<String> ok(List<String> lines) {
    assertTrue(RawImap.last(lines).matches("a\\d+ OK.*"), lines.toString());
    return lines;
  }

  @Test
  void aResyncingClientHearsExactlyWhatVanishedAndWhichFlagsChangedSinceItsModSeq() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    MailStore store = storeWithSevenMessages();
    long uidValidity;
    long cached;
    try (RawImap a = login()) {
      String caps = a.command("CAPABILITY").get(0);
      assertTrue(caps.contains(" QRESYNC") && caps.contains(" CONDSTORE"), caps);
      assertTrue(ok(a.command("ENABLE QRESYNC")).contains("* ENABLED QRESYNC"));
      List<String> select = ok(a.command("SELECT INBOX"));
      uidValidity = uidValidity(select);
      cached = highestModSeq(select);
    }

    try (RawImap b = login()) {
      ok(b.command("SELECT INBOX"));
      ok(b.command("UID STORE 3 +FLAGS.SILENT (\\Flagged)"));
      ok(b.command("UID STORE 5 +FLAGS.SILENT (\\Deleted)"));
      ok(b.command("EXPUNGE"));
    }
    store.open("INBOX").setFlags(4, Flags.of(SystemFlag.ANSWERED)); // another writer (Dovecot, LDA)
    store.open("INBOX").expunge(List.of(6L));

    try (RawImap a = login()) {
      ok(a.command("ENABLE QRESYNC"));
      List<String> resync = ok(a.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + cached + "))"));
      assertEquals(Set.of(5L, 6L), vanished(resync, true), resync.toString());
      assertEquals(Map.of(3L, List.of("\\Flagged"), 4L, List.of("\\Answered")), flagFetches(resync), resync.toString());
      for (String fetch : QresyncReplies.fetches(resync)) {
        assertTrue(QresyncReplies.modSeq(fetch) > cached, fetch);
      }
      assertTrue(resync.indexOf("* 4 EXISTS") >= 0, resync.toString());

      // A client that last synced with the legacy server does not know when UID 2 went.
      List<String> fromTheStart = ok(a.command("SELECT INBOX (QRESYNC (" + uidValidity + " 400))"));
      assertEquals(Set.of(2L, 5L, 6L), vanished(fromTheStart, true), "an old mod-sequence also hears of UID 2");
      assertEquals(Set.of(1L, 3L, 4L, 7L), flagFetches(fromTheStart).keySet());

      List<String> knownUids = ok(a.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + cached + " 1:4))"));
      assertEquals(Set.of(), vanished(knownUids, true), "only the client's known UIDs: " + knownUids);
      assertEquals(Set.of(3L, 4L), flagFetches(knownUids).keySet());

      // Message 3 is still UID 4: the client knows every expunge up to UID 4 (RFC 7162 §3.2.5.2).
      List<String> seqMatch = ok(a.command("SELECT INBOX (QRESYNC (" + uidValidity + " 1 1:7 (1,3 1,4)))"));
      assertEquals(Set.of(5L, 6L), vanished(seqMatch, true), seqMatch.toString());

      List<String> examine = ok(a.command("EXAMINE INBOX (QRESYNC (" + uidValidity + " " + cached + "))"));
      assertEquals(Set.of(5L, 6L), vanished(examine, true), examine.toString());
      assertEquals(Set.of(3L, 4L), flagFetches(examine).keySet(), examine.toString());
      assertTrue(examine.stream().anyMatch(l -> l.contains("[CLOSED]")), "leaving INBOX for INBOX read-only: " + examine);
      ok(a.command("SELECT INBOX"));

      List<String> otherValidity = ok(a.command("SELECT INBOX (QRESYNC (" + (uidValidity + 1) + " " + cached + "))"));
      assertEquals(Set.of(), vanished(otherValidity, true), otherValidity.toString());
      assertEquals(Map.of(), flagFetches(otherValidity), otherValidity.toString());

      List<String> fetch = ok(a.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + cached + " VANISHED)"));
      assertEquals(Set.of(5L, 6L), vanished(fetch, true), fetch.toString());
      assertEquals(Set.of(3L, 4L), flagFetches(fetch).keySet(), fetch.toString());
      List<String> narrow = ok(a.command("UID FETCH 7:6 (FLAGS) (CHANGEDSINCE " + cached + " VANISHED)"));
      assertEquals(Set.of(6L), vanished(narrow, true), narrow.toString());
      assertEquals(Map.of(), flagFetches(narrow), narrow.toString());

      assertTrue(RawImap.last(a.command("FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")).matches("a\\d+ BAD.*"),
          "VANISHED is for UID FETCH only");
      assertTrue(RawImap.last(a.command("UID FETCH 1:* (FLAGS) (VANISHED)")).matches("a\\d+ BAD.*"),
          "VANISHED needs CHANGEDSINCE");
    }

    try (RawImap c = login()) {
      assertTrue(RawImap.last(c.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + cached + "))"))
          .matches("a\\d+ BAD.*"), "QRESYNC parameters need ENABLE QRESYNC first");
      ok(c.command("SELECT INBOX"));
      assertTrue(RawImap.last(c.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")).matches("a\\d+ BAD.*"));
    }
  }

  @Test
  void afterEnableQresyncExpungesAreAnnouncedAsVanished() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    MailStore store = storeWithSevenMessages();
    try (RawImap a = login(); RawImap b = login()) {
      ok(a.command("ENABLE QRESYNC"));
      ok(a.command("SELECT INBOX"));
      ok(b.command("SELECT INBOX"));

      ok(b.command("UID STORE 7 +FLAGS.SILENT (\\Deleted)"));
      ok(b.command("EXPUNGE"));
      List<String> noop = ok(a.command("NOOP"));
      assertEquals(Set.of(7L), vanished(noop, false), "another session's expunge: " + noop);
      assertFalse(QresyncReplies.hasExpunge(noop), noop.toString());
      assertTrue(flagFetches(noop).isEmpty(), noop.toString());

      store.open("INBOX").expunge(List.of(1L)); // another writer
      List<String> external = ok(a.command("NOOP"));
      assertEquals(Set.of(1L), vanished(external, false), "another writer's expunge: " + external);
      assertFalse(QresyncReplies.hasExpunge(external), external.toString());

      ok(a.command("UID STORE 4 +FLAGS.SILENT (\\Deleted)"));
      List<String> own = ok(a.command("EXPUNGE"));
      assertEquals(Set.of(4L), vanished(own, false), own.toString());
      assertFalse(QresyncReplies.hasExpunge(own), own.toString());
      assertTrue(RawImap.last(own).contains("[HIGHESTMODSEQ "), own.toString());

      store.create("Trash");
      List<String> moved = ok(a.command("UID MOVE 3 Trash"));
      assertEquals(Set.of(3L), vanished(moved, false), "MOVE: " + moved);
      assertFalse(QresyncReplies.hasExpunge(moved), moved.toString());

      List<String> plain = ok(b.command("NOOP"));
      assertTrue(plain.contains("* 1 EXPUNGE"), "a session without QRESYNC still gets EXPUNGE: " + plain);
    }
  }

  @Test
  void theExpungeRecordSurvivesARestartAndCoversExpungesMadeWhileDown() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    MailStore store = storeWithSevenMessages();
    long uidValidity;
    long cached;
    try (RawImap a = login()) {
      ok(a.command("ENABLE QRESYNC"));
      List<String> select = ok(a.command("SELECT INBOX"));
      uidValidity = uidValidity(select);
      cached = highestModSeq(select);
      ok(a.command("UID STORE 5 +FLAGS.SILENT (\\Deleted)"));
      ok(a.command("EXPUNGE"));
    }
    dovetail.close();
    store.open("INBOX").expunge(List.of(6L)); // while Dovetail is down

    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    try (RawImap a = login()) {
      ok(a.command("ENABLE QRESYNC"));
      List<String> resync = ok(a.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + cached + "))"));
      assertEquals(Set.of(5L, 6L), vanished(resync, true), "not UID 2, expunged before the client's state: " + resync);
      assertTrue(highestModSeq(resync) > cached, resync.toString());
      // Per-message mod-sequences are not kept across a restart: every message is reported, never too few.
      assertEquals(Set.of(1L, 3L, 4L, 7L), flagFetches(resync).keySet(), resync.toString());
    }
  }
}
