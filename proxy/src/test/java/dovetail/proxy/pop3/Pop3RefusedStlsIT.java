package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An STLS the server refuses ({@code -ERR}: no TLS configured, or after login) starts no TLS, so what the client
 * sends next is its next command. Before, the command-injection guard took any input after an STLS line for
 * injected plain text until TLS was on, which never came: the next command got -ERR and the connection closed,
 * and the session's DELEs were never applied. Dovecot answers the refused STLS and goes on.
 */
class Pop3RefusedStlsIT {
  @TempDir Path dir;

  @Test
  void aRefusedStlsBeforeLoginLeavesTheSessionUsable() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("STLS").startsWith("-ERR"));
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      assertTrue(pop.command("PASS secret").startsWith("+OK"));
      assertTrue(pop.command("QUIT").startsWith("+OK"));
    }
  }

  @Test
  void aRefusedStlsAfterLoginKeepsTheDeletions() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      MailStore store = dovetail.store("alice");
      for (int i = 1; i <= 2; i++) {
        store.open(MailStore.INBOX).append(MessageMeta.next(Instant.parse("2024-01-02T03:04:05Z"), Flags.NONE),
            new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
        assertTrue(pop.command("USER alice").startsWith("+OK"));
        assertTrue(pop.command("PASS secret").startsWith("+OK"));
        assertTrue(pop.command("DELE 1").startsWith("+OK"));
        assertTrue(pop.command("STLS").startsWith("-ERR"));
        String quit = pop.command("QUIT");
        assertTrue(quit.startsWith("+OK"), quit);
      }
      assertEquals(1, store.open(MailStore.INBOX).messages().size(), "DELE 1 applied at QUIT");
    }
  }
}
