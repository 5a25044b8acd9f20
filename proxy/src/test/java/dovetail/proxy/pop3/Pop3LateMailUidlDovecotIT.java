package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.proxy.lmtp.LmtpClient;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.dovecot.Pop3Probe.Pop3Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 2, finding 2: a late legacy message whose UID a local delivery had takes that delivery's place, and
 * with {@code pop3_uidl_format = %v.%u} the renumbering must not hand the delivery's UIDL to the late message (RFC
 * 1939: a unique-id is never reused for another message). Walk-through 5, F4: the legacy server showed that same
 * UIDL for the late message, so the delivery gives it up too: a {@code keep} client still on the legacy host, which
 * holds it for the late message, would otherwise never fetch the delivery. A client on Dovetail fetches the delivery
 * once more instead (a duplicate, not a loss). Real parts: a legacy Dovecot, fetchmail with {@code keep} as the POP3
 * client, Dovetail's LMTP and {@code sync -1}, and a stock Dovecot over the same store as the judge.
 */
class Pop3LateMailUidlDovecotIT {
  private static final String PASSWORD = "secret";
  private static final String FORMAT = "%v.%u";

  @TempDir Path dir;

  @Test
  void withLegacyUidlsAKeepClientOfEitherServerMissesNothing() throws Exception {
    scenario(true);
  }

  @Test
  void withoutPop3cAKeepClientOfEitherServerMissesNothing() throws Exception {
    scenario(false);
  }

  private void scenario(boolean pop3c) throws Exception {
    DovecotServer.assumeInstalled();
    Fetchmail.assumeInstalled();
    try (DovecotServer legacy = DovecotServer.builder(dir.resolve("legacy")).user("bob", PASSWORD)
        .masterUser("master", "master-secret").pop3UidlFormat(FORMAT).autoCreateSpecialUse(false).start()) {
      try (ImapProbe p = ImapProbe.login(legacy, "bob")) {
        for (int i = 0; i < 3; i++) {
          p.append("INBOX", message("old " + i), List.of(), Instant.parse("2024-01-01T00:00:00Z"));
        }
      }
      TestDovetail.Builder b = TestDovetail.builder(dir.resolve("dovetail")).user("bob", "{PLAIN}" + PASSWORD)
          .mailLocation("maildir:" + dir.resolve("judge").resolve("home") + "/%n/Maildir")
          .legacyImap(legacy.imapPort(), "master", "master-secret")
          .setting("pop3_uidl_format = " + FORMAT)
          .setting("sweeper = no").setting("legacy_sync_window = 72h").setting("mail_fsync = never");
      if (pop3c) {
        b.setting("pop3c_host = 127.0.0.1").setting("pop3c_port = " + legacy.pop3Port())
            .setting("pop3c_master_user = master").setting("pop3c_password = master-secret")
            .setting("plugin {\n  pop3_migration_mailbox = POP3-MIGRATION-NS/INBOX\n}");
      }
      List<Pop3Message> served;
      try (TestDovetail dovetail = b.start()) {
        Fetchmail fetchmail = new Fetchmail(dir.resolve("fetchmail"));
        Path fetched = dir.resolve("fetchmail").resolve("fetched.bsmtp");
        assertEquals(3, fetchmail.poll(dovetail.pop3Port(), "bob", PASSWORD), "the first login migrates INBOX");

        long n = deliver(dovetail, "delivered");
        assertEquals(1, fetchmail.poll(dovetail.pop3Port(), "bob", PASSWORD), "the delivery, once");
        List<Pop3Message> before = Pop3Probe.read(dovetail.pop3Port(), "bob", PASSWORD, true);

        // Two late legacy messages: the first has the delivery's UID, the second the UID the delivery moves to.
        Fetchmail onLegacy = new Fetchmail(dir.resolve("fetchmail-legacy")); // a client not yet switched over
        for (int i = 1; i <= 2; i++) {
          long legacyUid = appendToLegacy(legacy, "late " + i);
          assertEquals(n + i - 1, legacyUid, "the late legacy message has a UID Dovetail already gave");
          assertEquals(i == 1 ? 4 : 1, onLegacy.poll(legacy.pop3Port(), "bob", PASSWORD), "the legacy server's mail");
          String socket = dir.resolve("dovetail").resolve("admin.sock").toString();
          CliRun sync = CliRun.merged("sync", "-1", "--socket", socket, "-u", "bob", "-f", "INBOX");
          assertEquals(0, sync.exit(), sync.out());
          assertTrue(sync.out().contains("1 late messages merged"), sync.out());
          // The delivery gave up the UIDL the legacy server showed for late 1 (and then shows its file name, which
          // late 2's legacy UIDL does not meet): the client fetches it once more with late 1, and late 2 alone.
          assertEquals(i == 1 ? 2 : 1, fetchmail.poll(dovetail.pop3Port(), "bob", PASSWORD),
              "late " + i + " once; UIDLs before " + uidls(before) + ", now "
                  + uidls(Pop3Probe.read(dovetail.pop3Port(), "bob", PASSWORD, false)));
          assertEquals(1, count(fetched, "Subject: late " + i), "late " + i + " was fetched");
        }
        assertEquals(0, fetchmail.poll(dovetail.pop3Port(), "bob", PASSWORD), "and nothing again");
        assertEquals(2, count(fetched, "Subject: delivered"), "the delivery was fetched once more, never lost");
        // The legacy-side client switches over: it must get the delivery, which it never saw (before: it held the
        // delivery's UIDL for late 1, so it skipped the delivery for good).
        Path fetchedOnLegacy = dir.resolve("fetchmail-legacy").resolve("fetched.bsmtp");
        onLegacy.poll(dovetail.pop3Port(), "bob", PASSWORD);
        assertEquals(1, count(fetchedOnLegacy, "Subject: delivered"), "the switched client got the delivery");
        assertEquals(0, onLegacy.poll(dovetail.pop3Port(), "bob", PASSWORD), "and then nothing again");

        served = Pop3Probe.read(dovetail.pop3Port(), "bob", PASSWORD, true);
        assertEquals(before.size() + 2, served.size(), uidls(served).toString());
        assertEquals(served.size(), new HashSet<>(uidls(served)).size(), "no UIDL twice: " + uidls(served));
        for (Pop3Message m : before) {
          boolean delivery = m.uidl().endsWith("." + n); // the UIDL the legacy server showed for late 1
          assertTrue(served.stream().anyMatch(s -> s.uidl().equals(m.uidl()) != delivery && s.sha256().equals(m.sha256())),
              "message " + m + (delivery ? " has a new UIDL" : " keeps its UIDL") + "; before " + uidls(before)
                  + ", after " + uidls(served));
        }
      }
      // The cut-over: stock Dovecot over the same store shows the same maildrop, and the client fetches nothing.
      try (DovecotServer judge = DovecotServer.builder(dir.resolve("judge")).user("bob", PASSWORD)
          .pop3UidlFormat(FORMAT).autoCreateSpecialUse(false).start()) {
        assertEquals(served, Pop3Probe.read(judge.pop3Port(), "bob", PASSWORD, true));
        assertEquals(0, new Fetchmail(dir.resolve("fetchmail")).poll(judge.pop3Port(), "bob", PASSWORD));
      }
    }
  }

  private static long deliver(TestDovetail dovetail, String subject) throws Exception {
    long next = dovetail.store("bob").open("INBOX").status().nextUid();
    try (LmtpClient lmtp = new LmtpClient(dovetail.lmtpPort())) {
      lmtp.command("LHLO mta.example.org");
      List<String> replies = lmtp.deliver("sender@example.org", List.of("bob"),
          new String(message(subject), StandardCharsets.US_ASCII));
      assertTrue(replies.get(replies.size() - 1).startsWith("250"), replies.toString());
    }
    assertTrue(dovetail.store("bob").open("INBOX").message(next).isPresent(), "the delivery took UID " + next);
    return next;
  }

  private static long appendToLegacy(DovecotServer legacy, String subject) {
    try (ImapProbe p = ImapProbe.login(legacy, "bob")) {
      return p.append("INBOX", message(subject), List.of(), Instant.parse("2024-02-02T00:00:00Z")).uid();
    }
  }

  private static List<String> uidls(List<Pop3Message> messages) {
    return messages.stream().map(Pop3Message::uidl).toList();
  }

  private static int count(Path file, String line) throws Exception {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + "\r?$")
        .matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static byte[] message(String subject) {
    return ("From: someone@example.org\r\nTo: bob@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "@example.org>\r\n\r\nbody of " + subject + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
