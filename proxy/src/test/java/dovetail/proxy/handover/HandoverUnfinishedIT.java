package dovetail.proxy.handover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.proxy.cli.CliRun;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 20, F4: handover printed its script (exit 0) for a store whose migration was not finished, and stock
 * Dovecot then served the user without the rest of the legacy mail (lost for good once the legacy server is retired),
 * its next APPEND taking a legacy UID. handover refuses, naming each user and what is left, unless told to go on.
 */
class HandoverUnfinishedIT {
  private static final String PASSWORD = "secret";

  @TempDir Path dir;
  private GreenMail legacy;
  private Path conf;

  @BeforeEach
  void start() throws Exception {
    legacy = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    legacy.start();
    legacy.setUser("dave@example.com", "dave", PASSWORD);
    try (ImapProbe imap = ImapProbe.login(legacy.getImap().getPort(), "dave", PASSWORD)) {
      imap.append("INBOX", message("in INBOX"), List.of(), Instant.parse("2024-03-03T00:00:00Z"));
      imap.create("Archive");
      imap.append("Archive", message("in Archive"), List.of(), Instant.parse("2024-03-03T00:00:00Z"));
    }
    Path users = Files.writeString(dir.resolve("users"), "dave\nerin\n");
    conf = Files.writeString(dir.resolve("dovetail.conf"), "imapc_host = 127.0.0.1\nimapc_port = "
        + legacy.getImap().getPort() + "\nimapc_password = " + PASSWORD + "\nmail_location = maildir:" + dir
        + "/home/%n/Maildir\nadmin_socket = " + dir.resolve("admin.sock") + "\nsweeper_users = " + users + "\n");
  }

  @AfterEach
  void stop() {
    legacy.stop();
  }

  private static byte[] message(String subject) {
    return ("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aUserWithFoldersLeftOrNoStoreIsRefusedUnlessAllowed() {
    CliRun inboxOnly = CliRun.of("backup", "-c", conf.toString(), "-u", "dave", "-f", "INBOX");
    assertEquals(0, inboxOnly.exit(), inboxOnly.err());

    CliRun refused = CliRun.of("handover", "-c", conf.toString());
    assertEquals(2, refused.exit(), refused.out() + refused.err());
    assertEquals("", refused.out(), "no script");
    assertTrue(refused.err().contains("the migration is not complete: erin: never migrated (listed in sweeper_users,"
        + " no store); dave: Archive pending."), refused.err());

    CliRun allowed = CliRun.of("handover", "-c", conf.toString(), "--allow-incomplete");
    assertEquals(0, allowed.exit(), allowed.err());
    assertTrue(allowed.out().contains("doveadm"), allowed.out());
    assertTrue(allowed.err().contains("not complete, handed over as asked (--allow-incomplete): erin: never migrated"),
        allowed.err());

    CliRun rest = CliRun.of("backup", "-c", conf.toString(), "-u", "dave");
    assertEquals(0, rest.exit(), rest.err());
    CliRun daveDone = CliRun.of("handover", "-c", conf.toString(), "-u", "dave");
    assertEquals(0, daveDone.exit(), daveDone.err());
    assertFalse(daveDone.err().contains("not complete"), daveDone.err());
  }
}
