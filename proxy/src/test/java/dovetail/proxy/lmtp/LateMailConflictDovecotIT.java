package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8's conflict, end to end: after INBOX is migrated, an LMTP delivery takes UID N in Dovetail, then a message
 * reaches the legacy INBOX under the same legacy UID N. After {@code dovetail sync -1} both messages are present
 * under distinct new UIDs, none under N with the other's content, and {@code dovetail verify} explains it.
 */
class LateMailConflictDovecotIT {
  @TempDir Path dir;

  @Test
  void aDeliveredMessageAndALateLegacyMessageWithTheSameUidBothKeepDistinctUids() throws Exception {
    DovecotServer.assumeInstalled();
    try (DovecotServer legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start()) {
      try (ImapProbe p = ImapProbe.login(legacy, "alice")) {
        for (int i = 0; i < 3; i++) {
          p.append("INBOX", message("old " + i), List.of("\\Seen"), Instant.parse("2024-01-01T00:00:00Z"));
        }
      }
      try (TestDovetail dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret")
          .legacyImap(legacy.imapPort(), "master", "master-secret")
          .setting("sweeper = no").setting("legacy_sync_window = 72h").start()) {
        long n;
        try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
          ImapProbe.FolderState inbox = client.examine("INBOX"); // migrates INBOX
          assertEquals(3, inbox.messages().size());
          n = inbox.uidNext();
        }
        try (LmtpClient lmtp = new LmtpClient(dovetail.lmtpPort())) {
          lmtp.command("LHLO mta.example.org");
          List<String> replies = lmtp.deliver("sender@example.org", List.of("alice"), new String(message("delivered"),
              StandardCharsets.US_ASCII));
          assertTrue(replies.get(replies.size() - 1).startsWith("250"), replies.toString());
        }
        assertTrue(dovetail.store("alice").open("INBOX").message(n).isPresent(), "the delivery took UID " + n);
        long legacyUid;
        try (ImapProbe p = ImapProbe.login(legacy, "alice")) {
          legacyUid = p.append("INBOX", message("late"), List.of(), Instant.parse("2024-02-02T00:00:00Z")).uid();
        }
        assertEquals(n, legacyUid, "the late legacy message has the same UID");

        Path socket = dir.resolve("dovetail").resolve("admin.sock");
        CliRun sync = CliRun.merged("sync", "-1", "--socket", socket.toString(), "-u", "alice", "-f", "INBOX");
        assertEquals(0, sync.exit(), sync.out());

        try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
          ImapProbe.FolderState inbox = client.examine("INBOX");
          assertEquals(5, inbox.messages().size(), inbox.toString());
          assertFalse(inbox.uids().contains(n), "no message keeps UID " + n + ": " + inbox.uids());
          long delivered = uidOf(inbox, "Subject: delivered");
          long late = uidOf(inbox, "Subject: late");
          assertTrue(delivered > n && late > n && delivered != late, delivered + " / " + late);
        }
        String verified = CliRun.merged("verify", "-c", dovetail.configFile().toString(), "-u", "alice").out();
        assertTrue(verified.contains("renumbered to UID"), verified);
      }
    }
  }

  private static long uidOf(ImapProbe.FolderState state, String header) {
    return state.messages().stream().filter(m -> new String(m.body(), StandardCharsets.US_ASCII).contains(header))
        .findFirst().orElseThrow(() -> new AssertionError("no message with " + header)).uid();
  }

  private static byte[] message(String subject) {
    return ("From: someone@example.org\r\nTo: alice@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "@example.org>\r\n\r\nbody of " + subject + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
