package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.proxy.server.HeldMigration;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Mailbox;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review 21, F7: a POP3 login whose INBOX another process was migrating (a backup beside serve) waited without a word
 * for as long as that copy ran, and POP3 clients give up after about a minute. Now the login is told to come back
 * after a bounded wait (30 s; 1 s here), the migration goes on, and a later login gets the whole maildrop.
 */
class Pop3InboxWaitDovecotIT {
  @TempDir Path tmp;

  @Test
  void aLoginWhileInboxIsHeldIsToldToComeBackAndALaterOneGetsTheWholeMaildrop() throws Exception {
    DovecotServer.assumeInstalled();
    PoplibClient.assumeInstalled();
    try (DovecotServer legacy = DovecotServer.builder(tmp.resolve("legacy")).user("erin", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start()) {
      try (ImapProbe p = ImapProbe.login(legacy, "erin")) {
        for (int i = 0; i < 3; i++) {
          p.append("INBOX", ("Subject: m" + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII), List.of(),
              Instant.parse("2020-01-01T00:00:00Z"));
        }
      }
      try (TestDovetail serve = TestDovetail.builder(tmp.resolve("serve"))
          .legacyPassdb(legacy.imapPort(), "master", "master-secret")
          .setting("sweeper = no").setting("mail_fsync = never").pop3InboxWait(Duration.ofSeconds(1)).start()) {
        try (ImapProbe client = ImapProbe.login(serve.imapPort(), "erin", "secret")) {
          client.list(); // the skeleton: INBOX pending
        }
        Mailbox inbox = serve.store("erin").open("INBOX");
        try (Mailbox.Hold held = inbox.holdForMigration(() -> { })) { // as a backup copying INBOX holds it
          IOException refused = assertThrows(IOException.class,
              () -> PoplibClient.session(tmp, serve.pop3Port(), "erin", "secret"));
          assertTrue(refused.getMessage().contains("[SYS/TEMP] INBOX is being migrated; try again in a few minutes"),
              refused.getMessage());
        }
        JsonNode session = sessionOnceReady(serve, "erin");
        assertEquals(3, session.get("stat").get(0).asInt(), session.toString());
      }
    }
  }

  /**
   * Walk-through 18, F4: the bound began only once the user's folder list was read, and reading it waited for a legacy
   * connection while every one was busy (legacy_max_connections): logins took 39 s. The list and INBOX now share it.
   */
  @Test
  void theBoundCoversTheWaitForTheFolderList() throws Exception {
    DovecotServer.assumeInstalled();
    PoplibClient.assumeInstalled();
    HeldMigration bobsInbox = new HeldMigration(); // its run holds the one legacy connection until released
    try (DovecotServer legacy = DovecotServer.builder(tmp.resolve("legacy")).user("erin", "secret")
        .user("bob", "secret").masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
        TestDovetail serve = TestDovetail.builder(tmp.resolve("serve"))
            .legacyPassdb(legacy.imapPort(), "master", "master-secret").setting("legacy_max_connections = 1")
            .setting("sweeper = no").setting("mail_fsync = never").pop3InboxWait(Duration.ofSeconds(1))
            .migrationObserver(bobsInbox).start()) {
      Thread bob = new Thread(() -> {
        try (ImapProbe client = ImapProbe.login(serve.imapPort(), "bob", "secret")) {
          client.examine("INBOX");
        }
      });
      bob.start();
      try {
        bobsInbox.awaitStarted();
        IOException refused = assertThrows(IOException.class,
            () -> PoplibClient.session(tmp, serve.pop3Port(), "erin", "secret"));
        assertTrue(refused.getMessage().contains("[SYS/TEMP] " + InboxAccess.STILL_MIGRATING), refused.getMessage());
      } finally {
        bobsInbox.release();
        bob.join(30_000);
      }
      JsonNode session = sessionOnceReady(serve, "erin");
      assertEquals(0, session.get("stat").get(0).asInt(), session.toString());
    }
  }

  /** A whole POP3 session (password "secret") as soon as a login is let in: the migration goes on between tries. */
  private JsonNode sessionOnceReady(TestDovetail serve, String user) throws Exception {
    for (long end = System.nanoTime() + 30_000_000_000L; System.nanoTime() < end; ) {
      try {
        return PoplibClient.session(tmp, serve.pop3Port(), user, "secret");
      } catch (IOException stillMigrating) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("no POP3 login of " + user + " was let in within 30 s");
  }
}
