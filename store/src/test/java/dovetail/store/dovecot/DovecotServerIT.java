package dovetail.store.dovecot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.dovecot.ImapProbe.FolderState;
import dovetail.store.dovecot.ImapProbe.ImapMessage;
import dovetail.store.dovecot.ImapProbe.ListEntry;
import dovetail.store.dovecot.Pop3Probe.Pop3Message;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the harness itself against real Dovecot, without the store. */
class DovecotServerIT {
  private static final Instant DATE = Instant.parse("2020-02-01T10:00:00Z");
  /** Bare LF line ends on purpose: Dovecot keeps them on disk (S) and sends CRLF (W). */
  private static final byte[] MESSAGE = ("From: a@example.org\nTo: alice@example.org\nSubject: harness\n"
      + "Message-ID: <harness-1@example.org>\n\nhello\nworld\n").getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path tmp;
  private static DovecotServer dovecot;

  @BeforeAll
  static void start() {
    dovecot = DovecotServer.builder(tmp.resolve("dovecot"))
        .user("alice", "secret")
        .user("bob", "bobpw")
        .masterUser("master", "master-secret")
        .start();
  }

  @AfterAll
  static void stop() {
    if (dovecot != null) {
      dovecot.close();
    }
  }

  @Test
  void appendedMessageIsServedAndRecordedInTheUidlist() throws IOException {
    ImapProbe.Appended appended;
    FolderState inbox;
    try (ImapProbe imap = ImapProbe.login(dovecot, "alice")) {
      appended = imap.append("INBOX", MESSAGE, List.of("\\Flagged", "\\Seen", "Project-X"), DATE);
      inbox = imap.examine("INBOX");
    }
    assertEquals(1, appended.uid());
    assertEquals(appended.uidValidity(), inbox.uidValidity());
    assertEquals(2, inbox.uidNext());
    assertEquals(List.of(1L), inbox.uids());
    ImapMessage m = inbox.byUid(1);
    assertEquals(Set.of("\\Flagged", "\\Seen", "Project-X"), m.flags());
    assertEquals(DATE, m.internalDate());
    byte[] crlf = MailBytes.crlf(MESSAGE);
    assertEquals(MESSAGE.length + 7, crlf.length, "7 bare LFs");
    assertEquals(crlf.length, m.size());
    assertEquals(MailBytes.sha256(crlf), m.sha256());
    assertEquals("<harness-1@example.org>", m.messageId());

    // On disk: the uidlist record, the file with S/W sizes, flag letters, keyword letter and mtime.
    Path maildir = dovecot.maildir("alice");
    List<String> uidlist = Files.readAllLines(maildir.resolve("dovecot-uidlist"));
    assertTrue(uidlist.get(0).startsWith("3 V" + appended.uidValidity() + " N"), uidlist.get(0));
    assertEquals(2, uidlist.size(), uidlist.toString());
    String record = uidlist.get(1);
    assertTrue(record.startsWith("1 :"), record);
    String base = record.substring(3);
    assertTrue(base.endsWith(",S=" + MESSAGE.length + ",W=" + crlf.length), base);
    Path file = maildir.resolve("cur").resolve(base + ":2,FSa");
    assertTrue(Files.exists(file), () -> "expected " + file + " in " + listing(maildir.resolve("cur")));
    assertEquals(DATE, Files.getLastModifiedTime(file).toInstant());
    assertEquals("0 Project-X\n", Files.readString(maildir.resolve("dovecot-keywords")));
    assertEquals(dovecot.mailUid(), Files.getAttribute(file, "unix:uid"));

    // POP3: no P in the record, so the UIDL is pop3_uidl_format %08Xu%08Xv (Dovecot's %X is lowercase hex).
    List<Pop3Message> pop3 = Pop3Probe.retrieveAll(dovecot, "alice");
    assertEquals(List.of(new Pop3Message(1, String.format("%08x%08x", 1, appended.uidValidity()), crlf.length,
        MailBytes.sha256(crlf))), pop3);
    // pop3_no_flag_updates=yes: RETR did not rename the file
    assertTrue(Files.exists(file));

    // doveadm agrees.
    Map<String, String> row = dovecot.doveadmTable("fetch", "-u", "alice",
        "uid flags date.received.unixtime size.virtual size.physical guid", "mailbox", "INBOX", "all").get(0);
    assertEquals("1", row.get("uid"));
    // doveadm shows \Recent too: this is the first session that may claim it.
    assertEquals("\\Flagged \\Seen Project-X", row.get("flags").replace(" \\Recent", ""));
    assertEquals(Long.toString(DATE.getEpochSecond()), row.get("date.received.unixtime"));
    assertEquals(Integer.toString(crlf.length), row.get("size.virtual"));
    assertEquals(Integer.toString(MESSAGE.length), row.get("size.physical"));
    assertEquals(base, row.get("guid"));

    assertEquals(List.of(), dovecot.logProblems());
  }

  @Test
  void specialUseFoldersAreListedAndSubscribed() {
    try (ImapProbe imap = ImapProbe.login(dovecot, "bob")) {
      List<ListEntry> list = imap.list();
      assertEquals(List.of(
          new ListEntry("Sent", '/', Set.of("\\HasNoChildren", "\\Sent")),
          new ListEntry("Drafts", '/', Set.of("\\HasNoChildren", "\\Drafts")),
          new ListEntry("Trash", '/', Set.of("\\HasNoChildren", "\\Trash")),
          new ListEntry("Junk", '/', Set.of("\\HasNoChildren", "\\Junk")),
          new ListEntry("INBOX", '/', Set.of("\\HasNoChildren"))), list);
      assertEquals(Set.of("Sent", "Drafts", "Trash"), Set.copyOf(imap.lsub()));

      imap.create("Entwürfe/Bär");
      imap.subscribe("Entwürfe/Bär");
      assertTrue(imap.lsub().contains("Entwürfe/Bär"), imap.lsub().toString());
    }
    Path maildir = dovecot.maildir("bob");
    assertTrue(Files.isDirectory(maildir.resolve(".Entw&APw-rfe.B&AOQ-r/cur")));
    assertTrue(Files.isRegularFile(maildir.resolve(".Entw&APw-rfe.B&AOQ-r/maildirfolder")));
    assertEquals(List.of(), dovecot.logProblems());
  }

  @Test
  void masterUserLogsInAsAnyUser() {
    try (ImapProbe imap = ImapProbe.login(dovecot.imapPort(), dovecot.masterLogin("bob"), "master-secret")) {
      assertEquals(0, imap.status("INBOX").messages());
    }
    try (ImapProbe imap = ImapProbe.loginWithAuthzid(dovecot.imapPort(), "master", "master-secret", "bob")) {
      assertEquals(0, imap.status("INBOX").messages());
    }
    assertEquals(List.of(), Pop3Probe.read(dovecot.pop3Port(), dovecot.masterLogin("bob"), "master-secret", false));
    assertTrue(dovecot.log().contains("user=<bob>"), dovecot.log());
  }

  @Test
  void listensOnLoopbackOnlyOnPrivatePorts() throws IOException {
    assertTrue(dovecot.imapPort() > 1024 && dovecot.pop3Port() > 1024);
    String conf = Files.readString(dovecot.configFile());
    assertTrue(conf.contains("listen = 127.0.0.1\n"), conf);
    assertTrue(conf.contains("inet_listener imaps {\n    port = 0\n"), conf);
    assertTrue(conf.contains("inet_listener pop3s {\n    port = 0\n"), conf);
    // The local host's non-loopback addresses (if any) must not accept on our ports.
    for (InetAddress a : InetAddress.getAllByName(InetAddress.getLocalHost().getHostName())) {
      if (!a.isLoopbackAddress()) {
        assertFalse(accepts(a, dovecot.imapPort()), "IMAP reachable on " + a);
      }
    }
  }

  @Test
  void closeStopsDovecotAndClosesThePorts(@TempDir Path other) throws IOException {
    DovecotServer second = DovecotServer.builder(other.resolve("second")).user("carol", "pw").start();
    int imap = second.imapPort();
    int pop3 = second.pop3Port();
    try (ImapProbe probe = ImapProbe.login(second, "carol")) {
      assertEquals(0, probe.status("INBOX").messages());
    }
    // A failed login here (not on the shared server: Dovecot's auth penalty would slow the other tests' logins).
    assertThrows(IllegalStateException.class, () -> ImapProbe.login(imap, "carol", "wrong"));
    assertTrue(second.isRunning());
    long pid = Long.parseLong(Files.readString(second.workDir().resolve("run/master.pid")).trim());
    second.close();
    assertFalse(second.isRunning());
    assertFalse(accepts(InetAddress.getLoopbackAddress(), imap));
    assertFalse(accepts(InetAddress.getLoopbackAddress(), pop3));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertTrue(second.log().contains("Killed with signal 15"));
    assertEquals(List.of(), second.logProblems(), "the shutdown warning is not a problem");
    // doveadm without the server, as the mail user (no userdb lookup).
    assertEquals(List.of(Map.of("mailbox", "INBOX", "messages", "0", "uidnext", "1")), DovecotServer.parseTable(
        second.doveadmOffline("carol", "-f", "tab", "mailbox", "status", "messages uidnext", "INBOX")));
    assertEquals(List.of(), second.logProblems(), "doveadm printed nothing on stderr");
    second.close(); // idempotent
  }

  private static boolean accepts(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> listing(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of(e.toString());
    }
  }
}
