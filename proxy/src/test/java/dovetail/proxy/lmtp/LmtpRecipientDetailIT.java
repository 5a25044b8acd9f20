package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.MailStore;
import dovetail.store.StoredMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recipient_delimiter} (Dovecot's default {@code +}): mail to {@code alice+news@} is alice's and lands in her
 * INBOX, as Dovecot's LMTP delivers it (lmtp_save_to_detail_mailbox = no). Before, it was refused with
 * {@code 550 5.1.1}, a permanent bounce of every list subscription and sign-up address on cut-over day
 * (walk-through 5, F17). An empty delimiter turns it off.
 */
class LmtpRecipientDetailIT {
  @TempDir Path dir;

  @Test
  void anAddressWithADetailIsItsUsersAndLandsInInbox() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        LmtpClient lmtp = new LmtpClient(dovetail.lmtpPort())) {
      lmtp.command("LHLO mta.example.org");
      for (String to : List.of("alice+news@example.org", "alice+a+b")) { // with and without a domain
        List<String> replies = lmtp.deliver("list@example.org", List.of(to), "Subject: digest\r\n\r\nnews\r\n");
        assertTrue(replies.get(1).startsWith("250 2.1.5") && replies.get(replies.size() - 1).startsWith("250 2.0.0"),
            to + ": " + replies);
      }
      MailStore store = dovetail.store("alice");
      List<StoredMessage> inbox = store.open(MailStore.INBOX).messages();
      assertEquals(2, inbox.size(), "both in alice's INBOX");
      try (InputStream in = store.open(MailStore.INBOX).openContent(inbox.get(0).uid())) {
        String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(text.contains("Delivered-To: alice+news@example.org"), text);
      }
    }
  }

  @Test
  void withoutADelimiterSuchAnAddressIsNobodys() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .setting("recipient_delimiter =").start();
        LmtpClient lmtp = new LmtpClient(dovetail.lmtpPort())) {
      lmtp.command("LHLO mta.example.org");
      lmtp.command("MAIL FROM:<list@example.org>");
      String rcpt = lmtp.command("RCPT TO:<alice+news@example.org>");
      assertTrue(rcpt.startsWith("550 5.1.1"), rcpt);
    }
  }

  /**
   * A quoted local part that needs no quotes ({@code "alice"@...}, RFC 5321 allows both forms) is the same mailbox:
   * Dovecot's LMTP delivers it; here it was 550 (walk-through 19, F7).
   */
  @Test
  void aQuotedLocalPartIsTheSameUser() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        LmtpClient lmtp = new LmtpClient(dovetail.lmtpPort())) {
      lmtp.command("LHLO mta.example.org");
      List<String> replies = lmtp.deliver("list@example.org", List.of("\"alice\"@example.org"),
          "Subject: quoted\r\n\r\nhi\r\n");
      assertTrue(replies.get(1).startsWith("250 2.1.5") && replies.get(replies.size() - 1).startsWith("250 2.0.0"),
          replies.toString());
      assertEquals(1, dovetail.store("alice").open(MailStore.INBOX).messages().size());
    }
  }
}
