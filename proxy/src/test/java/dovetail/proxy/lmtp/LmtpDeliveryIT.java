package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Mailbox;
import dovetail.store.MailStore;
import dovetail.store.StoredMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LMTP into a store without a legacy server (passwd-file users): real clients, per-recipient replies, bad input. */
class LmtpDeliveryIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret")
        .user("bob", "{PLAIN}secret").user("carol", "{PLAIN}secret").user("dan", "{PLAIN}secret")
        .user("erin", "{PLAIN}secret").user("fred", "{PLAIN}secret").user("gwen", "{PLAIN}secret")
        .user("hank", "{PLAIN}secret").user("ivan", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static byte[] content(String user, long uid) throws Exception {
    try (InputStream in = dovetail.store(user).open(MailStore.INBOX).openContent(uid)) {
      return in.readAllBytes();
    }
  }

  private static List<StoredMessage> inbox(String user) {
    MailStore store = dovetail.store(user);
    return store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX).messages() : List.of();
  }

  @Test
  void severalRecipientsInOneTransactionEachGetTheirOwnReply() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      assertTrue(c.command("LHLO mta.example.org").startsWith("250"));
      List<String> r = c.deliver("sender@example.org", List.of("alice@example.org", "nosuch@example.org", "bob"),
          "From: sender@example.org\r\nSubject: to two\r\n\r\nhello both\r\n");
      assertTrue(r.get(0).startsWith("250"), r.toString());
      assertTrue(r.get(1).startsWith("250"), r.toString());
      assertTrue(r.get(2).startsWith("550 5.1.1"), r.toString());
      assertTrue(r.get(3).startsWith("250"), r.toString());
      assertTrue(r.get(4).startsWith("354"), r.toString());
      assertTrue(r.get(5).startsWith("250 2.0.0 <alice@example.org>"), r.toString());
      assertTrue(r.get(6).startsWith("250 2.0.0 <bob"), r.toString());
      assertEquals(7, r.size());
    }
    assertFalse(Files.exists(dovetail.mailRoot().resolve("nosuch")), "no store for an unknown user");
    for (String user : List.of("alice", "bob")) {
      List<StoredMessage> msgs = inbox(user);
      assertEquals(1, msgs.size(), user);
      String text = new String(content(user, msgs.get(0).uid()), StandardCharsets.UTF_8);
      assertTrue(text.startsWith("Return-Path: <sender@example.org>\nDelivered-To: "), text);
      assertTrue(text.endsWith("Subject: to two\n\nhello both\n"), text);
    }
  }

  /**
   * One reply per RCPT, one message per recipient address: the same RCPT given 100 times stored 100 copies
   * (walk-through 13, B5); Dovecot stores one. Another address of the same user is a recipient of its own.
   */
  @Test
  void aRecipientGivenManyTimesGetsOneMessageAndEveryReply() throws Exception {
    List<String> to = new java.util.ArrayList<>(java.util.Collections.nCopies(100, "hank@example.org"));
    to.add("hank");
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      assertTrue(c.command("LHLO mta.example.org").startsWith("250"));
      List<String> r = c.deliver("sender@example.org", to, "Subject: many\r\n\nonce\r\n");
      List<String> afterData = r.subList(r.indexOf(r.stream().filter(l -> l.startsWith("354")).findFirst()
          .orElseThrow()) + 1, r.size());
      assertEquals(101, afterData.size(), r.toString());
      assertTrue(afterData.stream().allMatch(l -> l.startsWith("250 2.0.0 <hank")), afterData.toString());
    }
    assertEquals(2, inbox("hank").size(), "one message per recipient address");
  }

  /** A path without its angle brackets is a syntax error, as in Dovecot (James took MAIL FROM:bad as bad@localhost). */
  @Test
  void aPathWithoutBracketsIsASyntaxError() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      assertTrue(c.command("LHLO mta.example.org").startsWith("250"));
      String bad = c.command("MAIL FROM:bad");
      assertTrue(bad.startsWith("501"), bad);
      assertTrue(c.command("MAIL FROM:<>").startsWith("250"), "the null sender of a bounce");
      String rcpt = c.command("RCPT TO:alice@example.org");
      assertTrue(rcpt.startsWith("501"), rcpt);
      assertTrue(c.command("RCPT TO:<alice@example.org>").startsWith("250"));
      assertTrue(c.command("RSET").startsWith("250"));
    }
  }

  @Test
  void pythonSmtplibLmtpDeliversAndReadsEveryRecipientsReply() throws Exception {
    assumeTrue(installed("python3"), "python3 is not installed");
    Path script = dir.resolve("lmtp.py");
    Files.writeString(script, """
        import smtplib, sys
        c = smtplib.LMTP('127.0.0.1', int(sys.argv[1]))
        print('LHLO', c.ehlo()[0])
        print('MAIL', c.mail('py@example.org')[0])
        ok = 0
        for r in ['carol@example.org', 'ghost@example.org', 'dan@example.org']:
            code = c.rcpt(r)[0]
            ok += code == 250
            print('RCPT', r, code)
        code, msg = c.data(b'From: py@example.org\\r\\nSubject: from python\\r\\n\\r\\n.starts with a dot\\r\\nhi\\r\\n')
        print('DATA', code, msg.decode())
        for i in range(ok - 1):
            code, msg = c.getreply()
            print('DATA', code, msg.decode())
        c.quit()
        """);
    Process p = new ProcessBuilder("python3", script.toString(), Integer.toString(dovetail.lmtpPort()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.lines().toList();
    assertEquals(List.of("LHLO 250", "MAIL 250", "RCPT carol@example.org 250", "RCPT ghost@example.org 550",
        "RCPT dan@example.org 250", "DATA 250 2.0.0 <carol@example.org> Saved", "DATA 250 2.0.0 <dan@example.org> Saved"),
        lines, out);
    for (String user : List.of("carol", "dan")) {
      List<StoredMessage> msgs = inbox(user);
      String text = new String(content(user, msgs.get(msgs.size() - 1).uid()), StandardCharsets.UTF_8);
      assertTrue(text.endsWith("Subject: from python\n\n.starts with a dot\nhi\n"), text);
    }
  }

  /**
   * RCPT TO:<bob>, from Python's smtplib.LMTP: the user bob (as a login "bob" is), and the message says so as Dovecot's
   * LMTP does (Delivered-To: bob), without a domain James would have made up (bob@localhost).
   */
  @Test
  void aRecipientWithoutADomainIsWrittenAsItCame() throws Exception {
    assumeTrue(installed("python3"), "python3 is not installed");
    Path script = dir.resolve("bare.py");
    Files.writeString(script, """
        import smtplib, sys
        c = smtplib.LMTP('127.0.0.1', int(sys.argv[1]))
        c.ehlo('mta.example.org')
        c.mail('py@example.org')
        for r in ['fred', 'Gwen']:
            code, msg = c.rcpt(r)
            print('RCPT', code, msg.decode())
        code, msg = c.data(b'Subject: bare\\r\\n\\r\\nhi\\r\\n')
        print('DATA', code, msg.decode())
        code, msg = c.getreply()
        print('DATA', code, msg.decode())
        c.quit()
        """);
    
    Process p = new ProcessBuilder("python3", script.toString(), Integer.toString(dovetail.lmtpPort()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(List.of("RCPT 250 2.1.5 Recipient <fred> OK", "RCPT 250 2.1.5 Recipient <Gwen> OK",
        "DATA 250 2.0.0 <fred> Saved", "DATA 250 2.0.0 <Gwen> Saved"), out.lines().toList(), out);
    List<StoredMessage> fred = inbox("fred");
    assertEquals(1, fred.size());
    String text = new String(content("fred", fred.get(0).uid()), StandardCharsets.UTF_8);
    assertTrue(text.startsWith("Return-Path: <py@example.org>\nDelivered-To: fred\nReceived: from mta.example.org"),
        text);
    assertTrue(text.contains("\tfor <fred>; "), text);
    assertFalse(text.contains("localhost"), text);
    List<StoredMessage> gwen = inbox("gwen");
    assertEquals(1, gwen.size());
    String toGwen = new String(content("gwen", gwen.get(0).uid()), StandardCharsets.UTF_8);
    assertTrue(toGwen.contains("\nDelivered-To: Gwen\n"), toGwen);
    assertFalse(Files.exists(dovetail.mailRoot().resolve("fred@localhost")));
  }

  /**
   * The users of sweeper_users are asked about their spools at start, with sweeper = no too: a user without a store
   * gets none (no Maildir/{cur,new,tmp} made by reading a list of names).
   */
  @Test
  void startingCreatesNoStoreForTheUsersItKnowsByName() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path users = Files.writeString(dir.resolve("sweeper-users.txt"), "zed\nyan@example.org\n");
    try (TestDovetail listed = TestDovetail.builder(dir.resolve("listed")).user("alice", "{PLAIN}secret")
        .legacyImap(closed, "master", "pw").setting("sweeper = no").setting("sweeper_users = " + users)
        .spoolCheck(java.time.Duration.ofMillis(50)).start()) {
      LmtpService lmtp = listed.server().lmtp().orElseThrow();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (lmtp.spoolChecks() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(lmtp.spoolChecks() >= 3, "the check at start and two periodic ones ran");
      assertFalse(Files.exists(listed.mailRoot()), "a store was made for a name in sweeper_users");
    }
  }

  @Test
  void messagesWithoutHeadersOrWithBareLfAreStoredAsDovecotWould() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      c.command("MAIL FROM:<>");
      assertTrue(c.command("RCPT TO:<erin>").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send("just a body line\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(c.reply().startsWith("250"));
      c.command("MAIL FROM:<a@b>");
      c.command("RCPT TO:<erin>");
      c.command("DATA");
      // Bare LF line ends, a lone CR, a NUL; the terminator is CRLF.CRLF as RFC 5321 requires.
      c.send("Subject: bare\nX: a\rb\n\nline\0one\nline two\r\n.\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertTrue(c.reply().startsWith("250"));
    }
    List<StoredMessage> msgs = inbox("erin");
    assertEquals(2, msgs.size());
    String first = new String(content("erin", msgs.get(0).uid()), StandardCharsets.ISO_8859_1);
    assertTrue(first.startsWith("Return-Path: <>\n"), first);
    assertTrue(first.endsWith("\njust a body line\n"), first);
    byte[] second = content("erin", msgs.get(1).uid());
    String s = new String(second, StandardCharsets.ISO_8859_1);
    assertTrue(s.endsWith("Subject: bare\nX: a\rb\n\nline\0one\nline two\n"), s);
    assertFalse(s.contains("\r\n"), "stored with LF line ends (Dovecot's mail_save_crlf = no)");
    // RFC822.SIZE counts each LF as CRLF, as Dovecot's ,W= does.
    long lfs = s.chars().filter(ch -> ch == '\n').count();
    assertEquals(second.length + lfs, msgs.get(1).virtualSize());
  }

  @Test
  void aClientThatDisconnectsMidDataLeavesNothing() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      c.command("MAIL FROM:<a@b>");
      assertTrue(c.command("RCPT TO:<alice>").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send("Subject: cut\r\n\r\nhalf a mess".getBytes(StandardCharsets.US_ASCII));
    }
    int before = inbox("alice").size();
    // The server has the disconnect; a later session sees the same INBOX and no spool was made.
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      assertTrue(c.command("NOOP").startsWith("250"));
    }
    assertEquals(before, inbox("alice").size());
    assertTrue(inbox("alice").stream().noneMatch(m -> {
      try {
        return new String(content("alice", m.uid()), StandardCharsets.US_ASCII).contains("Subject: cut");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }));
    assertFalse(Files.exists(dovetail.mailRoot().resolve("alice/Maildir").resolve(UserSpool.DIR)));
  }

  /** An MTA keeps the recipient's case; the user is the same one who logs in (in lower case, as James and Dovecot). */
  /** No user has a name longer than 255 characters: a permanent 550, not 451 and a stack trace (walk-through 6, W6). */
  @Test
  void aRecipientWithAnOverlongLocalPartIsUnknown() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      assertTrue(c.command("LHLO mta.example.org").startsWith("250"));
      assertTrue(c.command("MAIL FROM:<sender@example.org>").startsWith("250"));
      String rcpt = c.command("RCPT TO:<" + "a".repeat(300) + "@example.org>");
      assertTrue(rcpt.startsWith("550 5.1.1"), rcpt);
    }
  }

  @Test
  void aRecipientInAnotherCaseIsTheSameUser() throws Exception {
    int before = inbox("erin").size();
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
      c.command("LHLO mta");
      List<String> r = c.deliver("s@example.org", List.of("Erin@Example.ORG", "ERIN"), "Subject: case\r\n\r\nx\r\n");
      assertEquals(List.of("250", "250", "250", "354", "250", "250"), r.stream().map(l -> l.substring(0, 3)).toList(),
          r.toString());
    }
    assertEquals(before + 2, inbox("erin").size());
    assertFalse(Files.exists(dovetail.mailRoot().resolve("Erin")), "a second store");
    assertFalse(Files.exists(dovetail.mailRoot().resolve("ERIN")), "a second store");
  }

  @Test
  void aClientInIdleOnInboxSeesTheDeliveredMessage() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) { // INBOX exists before the IMAP session
      c.command("LHLO mta");
      c.deliver("a@b", List.of("bob"), "Subject: first\r\n\r\nx\r\n");
    }
    try (Socket imap = new Socket("127.0.0.1", dovetail.imapPort())) {
      imap.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(imap.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = imap.getOutputStream();
      in.readLine();
      out.write("a LOGIN bob secret\r\nb SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
      long exists = -1;
      for (String l = in.readLine(); !l.startsWith("b "); l = in.readLine()) {
        if (l.endsWith(" EXISTS")) {
          exists = Long.parseLong(l.split(" ")[1]);
        }
      }
      out.write("c IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(in.readLine().startsWith("+"));
      try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) {
        c.command("LHLO mta");
        assertTrue(c.deliver("a@b", List.of("bob"), "Subject: while idle\r\n\r\ny\r\n").get(3).startsWith("250"));
      }
      String line;
      do {
        line = in.readLine();
      } while (!line.endsWith(" EXISTS"));
      assertEquals("* " + (exists + 1) + " EXISTS", line);
      out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aNewUsersFirstDeliveriesAreRecentInTheFirstSelect() throws Exception {
    try (LmtpClient c = new LmtpClient(dovetail.lmtpPort())) { // before any look at INBOX: it is made here
      c.command("LHLO mta");
      c.deliver("a@b", List.of("ivan"), "Subject: first\r\n\r\nx\r\n");
      c.deliver("a@b", List.of("ivan"), "Subject: second\r\n\r\ny\r\n");
    }
    try (Socket imap = new Socket("127.0.0.1", dovetail.imapPort())) {
      imap.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(imap.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = imap.getOutputStream();
      in.readLine();
      out.write("a LOGIN ivan secret\r\nb SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
      List<String> recent = new java.util.ArrayList<>();
      for (String l = in.readLine(); !l.startsWith("b "); l = in.readLine()) {
        if (l.endsWith(" RECENT")) {
          recent.add(l);
        }
      }
      // As in Dovecot, whose delivery opens the new INBOX before it saves; "* 0 RECENT" before.
      assertEquals(List.of("* 2 RECENT"), recent);
    }
  }

  static boolean installed(String tool) {
    try {
      return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }
}
