package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dovecot's {@code pop3_deleted_flag}: POP3's DELE marks the message with the keyword instead of expunging it, and
 * POP3 no longer lists messages that have it; IMAP still shows them. Before, the setting was accepted with an
 * "ignored" warning and DELE expunged: a site that set it so that POP3 deletions keep the mail for IMAP lost that
 * mail, and messages a legacy Dovecot had hidden (migrated with the keyword) came back in POP3 listings.
 */
class Pop3DeletedFlagIT {
  @TempDir Path dir;

  @Test
  void deleMarksInsteadOfExpungingAndMarkedMessagesAreNotListed() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .setting("pop3_deleted_flag = $POP3Deleted").start()) {
      MailStore store = dovetail.store("alice");
      Flags[] flags = {Flags.NONE, Flags.NONE, Flags.NONE.withKeywords("$pop3deleted")}; // hidden by the legacy server
      for (int i = 0; i < flags.length; i++) {
        store.open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), flags[i]),
            new ByteArrayInputStream(("Subject: " + (i + 1) + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop.command("USER alice").startsWith("+OK"));
        assertTrue(pop.command("PASS secret").startsWith("+OK"));
        assertTrue(pop.command("STAT").startsWith("+OK 2 "), "the marked message is not listed");
        assertTrue(pop.command("DELE 1").startsWith("+OK"));
        assertTrue(pop.command("QUIT").startsWith("+OK"));
      }
      List<StoredMessage> kept = store.open(MailStore.INBOX).messages();
      assertEquals(3, kept.size(), "nothing expunged");
      // the folder's keyword list has it already, spelt as the legacy server did (keywords ignore case)
      assertTrue(kept.get(0).flags().keywords().stream().anyMatch("$POP3Deleted"::equalsIgnoreCase),
          kept.get(0).flags().toString());
      assertEquals(Set.of(), kept.get(1).flags().keywords());
      try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop.command("USER alice").startsWith("+OK"));
        assertTrue(pop.command("PASS secret").startsWith("+OK"));
        List<String> uidl = pop.multiline("UIDL");
        assertEquals(2, uidl.size(), "only message 2 is left for POP3: " + uidl);
        assertTrue(pop.command("QUIT").startsWith("+OK"));
      }
    }
  }

  @Test
  void aValueThatIsNoKeywordIsAConfigurationError() throws Exception {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> TestDovetail.builder(dir)
        .user("alice", "{PLAIN}secret").setting("pop3_deleted_flag = \\Deleted").start().close());
    assertTrue(String.valueOf(e.getMessage()).contains("pop3_deleted_flag"), String.valueOf(e));
  }
}
