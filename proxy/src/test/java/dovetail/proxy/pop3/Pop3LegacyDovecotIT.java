package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.dovecot.Pop3Probe.Pop3Message;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The POP3 front-end in front of a real legacy Dovecot 2.3 ({@code pop3_uidl_format = %08Xu%08Xv}, stored UIDLs,
 * a POP3 order unlike UID order), with pop3c_* and pop3_migration_mailbox so that the first POP3 login migrates
 * INBOX with UIDL matching. Clients are real: Jakarta Mail (Pop3Probe), Python's poplib and raw sockets.
 */
class Pop3LegacyDovecotIT {
  private static final String PASSWORD = "secret";
  /** Has hex letters, so that the case of %X shows. */
  private static final long UIDVALIDITY = 0xABCDEF12L;

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    DovecotServer.Builder b = DovecotServer.builder(legacyDir).pop3UidlFormat("%08Xu%08Xv")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false);
    for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina")) {
      corpus(DovecotServer.maildir(legacyDir, user));
      b.user(user, PASSWORD);
    }
    legacy = b.start();
    TestDovetail.Builder builder = TestDovetail.builder(dir.resolve("dovetail"))
        .user("alice", "{PLAIN}" + PASSWORD).user("bob", "{PLAIN}" + PASSWORD).user("carol", "{PLAIN}" + PASSWORD)
        .user("dave", "{PLAIN}" + PASSWORD).user("erin", "{PLAIN}" + PASSWORD)
        .user("frank", "{PLAIN}" + PASSWORD).user("gina", "{PLAIN}" + PASSWORD)
        // The store where a Dovecot "judge" (DovecotServer's layout) can serve it too.
        .mailLocation("maildir:" + dir.resolve("judge").resolve("home") + "/%n/Maildir")
        .setting("sweeper = no").setting("mail_fsync = never");
    dovetail = migratingFrom(builder, legacy.imapPort(), legacy.pop3Port()).start();
  }

  /** Dovetail migrating from a legacy IMAP and POP3 server with the master user and the pop3_migration settings. */
  static TestDovetail.Builder migratingFrom(TestDovetail.Builder builder, int imapPort, int pop3Port) {
    return builder.legacyImap(imapPort, "master", "master-secret")
        .setting("imapc_features = rfc822.size")
        .setting("pop3c_host = 127.0.0.1").setting("pop3c_port = " + pop3Port)
        .setting("pop3c_master_user = master").setting("pop3c_password = master-secret")
        .setting("plugin {\n  pop3_migration_mailbox = POP3-MIGRATION-NS/INBOX\n}");
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  /**
   * A legacy INBOX as a POP3 server that kept UIDLs would have it: stored UIDLs (one empty: the base filename),
   * messages without one (pop3_uidl_format), a POP3 order that is not UID order, bare LF, lines that start with
   * a dot, two messages of equal size, and a last line without a line end.
   */
  private static void corpus(Path maildir) {
    Mailbox inbox = MaildirStore.open(maildir, StoreOptions.DEFAULT).create("INBOX", UIDVALIDITY, 1);
    add(inbox, 1, "Subject: one\n\nbare LF body\n.a line with a leading dot\n..two\n", "legacy-one", 3);
    add(inbox, 2, "Subject: two\r\n\r\nformatted UIDL\r\n.\r\n", null, 1);
    add(inbox, 5, "Subject: five\r\n\r\nempty P: the base filename\r\n", "", 2);
    add(inbox, 7, "Subject: same-a\r\n\r\nequal\r\n", "legacy-seven", 0);
    add(inbox, 8, "Subject: same-b\r\n\r\nequal\r\n", "legacy-eight", 0);
    add(inbox, 9, "Subject: nine\r\n\r\nno line end at the end", null, 0);
    inbox.raiseNextUid(12);
  }

  private static void add(Mailbox box, long uid, String text, String uidl, long order) {
    MessageMeta meta = MessageMeta.withUid(uid, Instant.parse("2021-06-07T08:09:10Z"), Flags.NONE)
        .withPop3(uidl, order);
    box.append(meta, new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * An INBOX whose migration failed (its legacy UIDVALIDITY changed after the skeleton, and another program had written
   * into it here, so that the new value cannot simply be taken) is refused at every login until
   * an operator has looked, as at the login that failed it (walk-through 15, F1: the next login got "+OK" and an empty
   * maildrop, and a client that keeps mail on the server took every message for deleted).
   */
  @Test
  void anInboxWhoseMigrationFailedIsRefusedAtEveryLogin() throws Exception {
    dovetail.server().migrations().orElseThrow().ensureSkeleton("gina"); // INBOX pending, with the legacy UIDVALIDITY
    dovetail.store("gina").open("INBOX").append(MessageMeta.withUid(1,
        java.time.Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
        new java.io.ByteArrayInputStream("Subject: written here\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    Path legacyInbox = DovecotServer.maildir(dir.resolve("legacy"), "gina");
    Path uidlist = legacyInbox.resolve("dovecot-uidlist");
    String header = java.nio.file.Files.readAllLines(uidlist).get(0);
    String changed = header.replace(" V" + UIDVALIDITY + " ", " V" + (UIDVALIDITY + 1) + " ");
    assertNotEquals(header, changed, header);
    java.nio.file.Files.writeString(uidlist, java.nio.file.Files.readString(uidlist).replace(header, changed));
    try (var indexes = java.nio.file.Files.list(legacyInbox)) { // so that the legacy Dovecot reads the new value
      for (Path index : indexes.filter(f -> f.getFileName().toString().startsWith("dovecot.index")).toList()) {
        java.nio.file.Files.delete(index);
      }
    }
    for (int login = 1; login <= 2; login++) {
      try (RawPop3 pop3 = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop3.command("USER gina").startsWith("+OK"));
        String pass = pop3.command("PASS " + PASSWORD);
        assertTrue(pass.startsWith("-ERR [SYS/TEMP] "), "login " + login + ": " + pass);
      }
    }
    assertEquals("failed", dovetail.store("gina").open("INBOX").dovetailState().get("migration.state"));
  }

  @Test
  void uidlListAndRetrEqualTheLegacyPop3ServersAfterTheFirstLogin() {
    List<Pop3Message> before = Pop3Probe.read(legacy.pop3Port(), "alice", PASSWORD, true);
    List<Pop3Message> served = Pop3Probe.read(dovetail.pop3Port(), "alice", PASSWORD, true);
    assertEquals(before, served, "UIDL, LIST and RETR line for line, in the legacy POP3 order");
    // The corpus really exercises order and formatted UIDLs (a test that cannot fail proves nothing).
    assertEquals("0000000" + "2abcdef12", before.get(0).uidl(), "message 1 is UID 2, with pop3_uidl_format");
    assertEquals("legacy-one", before.get(2).uidl());
    assertEquals(6, before.size());
    List<StoredMessage> stored = dovetail.store("alice").open("INBOX").messages();
    // Every POP3 position is kept (O), in UID order here: 3, 1, 2 from the legacy order, then 4, 5, 6.
    assertEquals(List.of(3L, 1L, 2L, 4L, 5L, 6L), stored.stream().map(StoredMessage::pop3Order).toList());
  }

  @Test
  void pythonPoplibSeesTheSameMaildropOnBothServers() throws Exception {
    PoplibClient.assumeInstalled();
    JsonNode old = PoplibClient.session(dir, legacy.pop3Port(), "carol", PASSWORD);
    JsonNode now = PoplibClient.session(dir, dovetail.pop3Port(), "carol", PASSWORD);
    assertEquals(old.get("uidl"), now.get("uidl"));
    assertEquals(old.get("list"), now.get("list"));
    assertEquals(old.get("stat"), now.get("stat"));
    assertEquals(old.get("retr"), now.get("retr"));
    assertEquals(old.get("top"), now.get("top"));
  }

  @Test
  void retrIsDotStuffedOnTheWireAndEqualsImapBody() throws Exception {
    Pop3Probe.list(legacy, "dave"); // nothing migrated yet for dave: the POP3 login below does it
    byte[] wire;
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("USER dave").startsWith("+OK"));
      assertTrue(pop.command("PASS " + PASSWORD).startsWith("+OK"));
      wire = pop.rawMultiline("RETR 3"); // POP3 message 3 is UID 1 (O = 3)
      assertTrue(pop.command("QUIT").startsWith("+OK"));
    }
    String text = new String(wire, StandardCharsets.US_ASCII);
    assertTrue(text.contains("\r\n..a line with a leading dot\r\n...two\r\n"), text);
    try (ImapProbe imap = ImapProbe.login(dovetail.imapPort(), "dave", PASSWORD)) {
      assertArrayEquals(imap.examine("INBOX").byUid(1).body(), RawPop3.unstuff(wire), "RETR bytes equal IMAP BODY[]");
    }
  }

  @Test
  void deleIsExpungedAtQuitAndRsetUndoesIt() throws Exception {
    List<Pop3Message> start = Pop3Probe.list(legacy, "bob");
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.command("USER bob");
      assertTrue(pop.command("PASS " + PASSWORD).startsWith("+OK"));
      assertTrue(pop.command("DELE 1").startsWith("+OK"));
      assertTrue(pop.command("RETR 1").startsWith("-ERR"), "a deleted message cannot be retrieved");
      assertTrue(pop.command("RSET").startsWith("+OK"));
      assertEquals("+OK " + start.size() + " " + start.stream().mapToLong(Pop3Message::size).sum(),
          pop.command("STAT"));
      assertTrue(pop.command("DELE 2").startsWith("+OK"));
      List<String> uidl = pop.multiline("UIDL");
      assertEquals(start.size() - 1 + 1, uidl.size(), uidl.toString());
      assertTrue(pop.command("QUIT").startsWith("+OK"));
    }
    String deleted = start.get(1).uidl();
    List<String> after = Pop3Probe.read(dovetail.pop3Port(), "bob", PASSWORD, false).stream()
        .map(Pop3Message::uidl).toList();
    List<String> expected = start.stream().map(Pop3Message::uidl).filter(u -> !u.equals(deleted)).toList();
    assertEquals(expected, after, "message 2 is gone, the rest keep their UIDLs and order");
    try (ImapProbe imap = ImapProbe.login(dovetail.imapPort(), "bob", PASSWORD)) {
      assertEquals(start.size() - 1, imap.examine("INBOX").messages().size(), "IMAP sees it gone");
    }
  }

  @Test
  void fetchmailKeepingMailOnTheServerFetchesNothingAgainAfterTheCutOverAndANewMessageOnce() throws Exception {
    Fetchmail.assumeInstalled();
    Fetchmail fetchmail = new Fetchmail(dir.resolve("fetchmail-erin"));
    assertEquals(6, fetchmail.poll(legacy.pop3Port(), "erin", PASSWORD), "the legacy server: everything, once");
    assertEquals(0, fetchmail.poll(legacy.pop3Port(), "erin", PASSWORD), "and it remembers the UIDLs");
    assertEquals(0, fetchmail.poll(dovetail.pop3Port(), "erin", PASSWORD), "after the cut-over: nothing again");
    dovetail.store("erin").open("INBOX").append(MessageMeta.next(Instant.parse("2024-02-03T04:05:06Z"), Flags.NONE),
        new ByteArrayInputStream("Subject: after the cut-over\r\n\r\nnew\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(1, fetchmail.poll(dovetail.pop3Port(), "erin", PASSWORD), "a new message, once");
    assertEquals(0, fetchmail.poll(dovetail.pop3Port(), "erin", PASSWORD));
  }

  @Test
  void retrMarksMessagesSeenAtQuitAsDovecotDoesButTopAndRsetDoNot() throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.command("USER frank");
      assertTrue(pop.command("PASS " + PASSWORD).startsWith("+OK"));
      pop.rawMultiline("RETR 1");
      assertTrue(pop.command("RSET").startsWith("+OK"));
      pop.rawMultiline("RETR 2"); // UID 5
      pop.rawMultiline("TOP 3 0"); // UID 1
      pop.rawMultiline("RETR 4"); // UID 7
      assertTrue(pop.command("DELE 4").startsWith("+OK"));
      assertTrue(pop.command("QUIT").startsWith("+OK"));
    }
    try (ImapProbe imap = ImapProbe.login(dovetail.imapPort(), "frank", PASSWORD)) {
      ImapProbe.FolderState inbox = imap.examine("INBOX");
      assertEquals(List.of(1L, 2L, 5L, 8L, 9L), inbox.uids(), "UID 7 was deleted");
      for (long uid : List.of(1L, 2L, 8L, 9L)) {
        assertTrue(!inbox.byUid(uid).flags().contains("\\Seen"), "UID " + uid + ": " + inbox.byUid(uid).flags());
      }
      assertTrue(inbox.byUid(5).flags().contains("\\Seen"), inbox.byUid(5).flags().toString());
    }
  }

  /** CAPA after login, as Dovecot's (walk-through 9: TOP was missing, as Dovetail's TOP wraps James's handler). */
  @Test
  void capaAfterLoginListsWhatDovecotsDoes() throws Exception {
    assertEquals(capaAfterLogin(legacy.pop3Port()), capaAfterLogin(dovetail.pop3Port()));
  }

  private static java.util.TreeSet<String> capaAfterLogin(int port) throws Exception {
    try (RawPop3 pop = RawPop3.connect(port)) {
      assertTrue(pop.command("USER erin").startsWith("+OK"));
      assertTrue(pop.command("PASS " + PASSWORD).startsWith("+OK"));
      List<String> capa = pop.multiline("CAPA");
      pop.command("QUIT");
      return new java.util.TreeSet<>(capa.subList(1, capa.size()));
    }
  }

  @Test
  void aWrongPasswordIsRefusedAfterTheDelayAndLoggedWithoutThePassword() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      long start = System.nanoTime();
      assertEquals("-ERR [AUTH] Authentication failed.", pop.command("PASS wrong-Pa55word"));
      assertTrue(System.nanoTime() - start >= TestDovetail.FAILURE_DELAY.toNanos(), "refused only after the delay");
      assertTrue(pop.command("STAT").startsWith("-ERR"), "still not logged in");
      assertTrue(pop.command("USER alice").startsWith("+OK"), "may try again");
      assertTrue(pop.command("PASS " + PASSWORD).startsWith("+OK"));
    } finally {
      root.detachAppender(log);
    }
    List<String> lines;
    synchronized (log) {
      lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("authentication failed for user alice")), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("wrong-Pa55word")), "the password is never logged");
  }

  @Test
  void dovecotServingTheSameStoreShowsTheSameUidlsIncludingAMessageWithoutAStoredUidl() throws Exception {
    Pop3Probe.read(dovetail.pop3Port(), "alice", PASSWORD, false); // migrates alice's INBOX if no other test did
    // A message delivered after the cut-over has no P: both servers must format the same UIDL for it.
    dovetail.store("alice").open("INBOX").append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), Flags.NONE),
        new ByteArrayInputStream("Subject: new\r\n\r\ndelivered later\r\n".getBytes(StandardCharsets.US_ASCII)));
    List<Pop3Message> ours = Pop3Probe.read(dovetail.pop3Port(), "alice", PASSWORD, true);
    try (DovecotServer judge = DovecotServer.builder(dir.resolve("judge")).user("alice", PASSWORD)
        .pop3UidlFormat("%08Xu%08Xv").autoCreateSpecialUse(false).start()) {
      List<Pop3Message> theirs = Pop3Probe.read(judge.pop3Port(), "alice", PASSWORD, true);
      assertEquals(theirs, ours);
      assertEquals(7, ours.size());
      assertNull(dovetail.store("alice").open("INBOX").messages().get(6).pop3Uidl());
      assertNotEquals(ours.get(5).uidl(), ours.get(6).uidl());
    }
  }
}
