package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What RETR sent becomes \Seen, as in Dovecot: at QUIT, and also when the session ends without QUIT (walk-through 4:
 * Dovetail left such mail unread in IMAP, Dovecot's client_destroy saves it); nothing else of such a session is
 * saved. {@code pop3_no_flag_updates = yes} leaves \Seen alone.
 */
class Pop3SeenIT {
  @TempDir Path dir;

  @Test
  void aSessionThatEndsWithoutQuitKeepsTheSeenOfWhatRetrSentAndExpungesNothing() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      MailStore store = fill(dovetail, 3);
      try (RawPop3 pop = login(dovetail)) {
        assertTrue(pop.command("DELE 1").startsWith("+OK"));
        assertTrue(pop.multiline("RETR 2").size() > 1);
        assertTrue(pop.multiline("TOP 3 0").size() > 1);
      } // the line drops: no QUIT
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!seen(store).get(1) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(false, true, false), seen(store), "only what RETR sent is \\Seen");
      assertEquals(3, store.open(MailStore.INBOX).messages().size(), "DELE without QUIT expunges nothing");
    }
  }

  /**
   * The reference for the test above: Dovecot 2.3 with {@code pop3_no_flag_updates = no} (its default) saves the
   * \Seen of what RETR sent when the line drops, and nothing else. Read through doveadm: Dovecot may hold the flag in
   * its index before it renames the file.
   */
  @Test
  void dovecotKeepsTheSeenOfWhatRetrSentWithoutQuitToo() throws Exception {
    DovecotServer.assumeInstalled();
    Path work = dir.resolve("dovecot");
    MailStore store = MaildirStore.open(DovecotServer.maildir(work, "alice"), StoreOptions.DEFAULT);
    for (int i = 1; i <= 3; i++) {
      store.open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    try (DovecotServer dovecot = DovecotServer.builder(work).user("alice", "secret").pop3NoFlagUpdates(false).start()) {
      dovecot.chownStore("alice");
      try (RawPop3 pop = RawPop3.connect(dovecot.pop3Port())) {
        assertTrue(pop.command("USER alice").startsWith("+OK"));
        assertTrue(pop.command("PASS " + dovecot.password("alice")).startsWith("+OK"));
        assertTrue(pop.command("DELE 1").startsWith("+OK"));
        assertTrue(pop.multiline("RETR 2").size() > 1);
        assertTrue(pop.multiline("TOP 3 0").size() > 1);
      } // the line drops: no QUIT
      List<Boolean> seen = List.of();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!seen.equals(List.of(false, true, false)) && System.nanoTime() < deadline) {
        Thread.sleep(50);
        seen = dovecot.doveadmTable("fetch", "-u", "alice", "uid flags", "mailbox", "INBOX", "all").stream()
            .map(row -> row.get("flags").contains("\\Seen")).toList();
      }
      assertEquals(List.of(false, true, false), seen, "Dovecot: only what RETR sent is \\Seen, and DELE expunged nothing");
    }
  }

  @Test
  void quitMarksWhatRetrSentUnlessFlagUpdatesAreOff() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      MailStore store = fill(dovetail, 2);
      try (RawPop3 pop = login(dovetail)) {
        assertTrue(pop.multiline("RETR 2").size() > 1);
        assertTrue(pop.command("QUIT").startsWith("+OK"));
      }
      assertEquals(List.of(false, true), seen(store));
    }
    try (TestDovetail dovetail = TestDovetail.builder(dir.resolve("off")).user("alice", "{PLAIN}secret")
        .setting("pop3_no_flag_updates = yes").start()) {
      MailStore store = fill(dovetail, 2);
      try (RawPop3 pop = login(dovetail)) {
        assertTrue(pop.multiline("RETR 2").size() > 1);
        assertTrue(pop.command("QUIT").startsWith("+OK"));
      }
      try (RawPop3 pop = login(dovetail)) {
        assertTrue(pop.multiline("RETR 1").size() > 1);
      } // and without QUIT
      Thread.sleep(300); // a disconnect that saved \Seen would have done so by now
      assertEquals(List.of(false, false), seen(store), "pop3_no_flag_updates = yes: RETR leaves \\Seen alone");
    }
  }

  private static MailStore fill(TestDovetail dovetail, int count) {
    MailStore store = dovetail.store("alice");
    for (int i = 1; i <= count; i++) {
      store.open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    return store;
  }

  private static RawPop3 login(TestDovetail dovetail) throws Exception {
    RawPop3 pop = RawPop3.connect(dovetail.pop3Port());
    assertTrue(pop.command("USER alice").startsWith("+OK"));
    assertTrue(pop.command("PASS secret").startsWith("+OK"));
    return pop;
  }

  private static List<Boolean> seen(MailStore store) {
    return store.open(MailStore.INBOX).messages().stream().map(StoredMessage::flags)
        .map(f -> f.has(SystemFlag.SEEN)).toList();
  }
}
