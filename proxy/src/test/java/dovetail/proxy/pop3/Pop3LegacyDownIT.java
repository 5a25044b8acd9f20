package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A POP3 login whose INBOX must first come from a legacy server that does not answer: RFC 3206's
 * {@code -ERR [SYS/TEMP]}, then the server closes the connection, and nothing is listed from an empty store
 * (a client would take an empty maildrop as "everything was deleted").
 */
class Pop3LegacyDownIT {
  @TempDir Path dir;

  @Test
  void aLoginThatNeedsTheMissingLegacyServerGetsSysTempAndTheConnectionCloses() throws Exception {
    try (TestDovetail dovetail = UnreachableLegacy.dovetail(dir, "alice", "secret");
        RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      assertTrue(pop.command("USER alice").startsWith("+OK"));
      String reply = pop.command("PASS secret");
      assertTrue(reply.startsWith("-ERR [SYS/TEMP] "), reply);
      assertNull(pop.line(), "the server closed the connection");
      assertEquals(false, dovetail.store("alice").exists("INBOX") && !dovetail.store("alice").open("INBOX")
          .messages().isEmpty(), "nothing was invented in the store");
    }
  }
}
