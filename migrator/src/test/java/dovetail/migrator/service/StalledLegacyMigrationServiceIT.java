package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legacy server that stops answering in the middle of a message (a literal announced longer than it is, a hung
 * process) is reported as that, not as a dropped connection, with the setting that decided how long was waited
 * ({@code imapc_cmd_timeout}); one that hangs up is reported as a drop. GreenMail behind a proxy that stalls or drops
 * the connection at the body fetch; a 1 s timeout keeps it short.
 */
class StalledLegacyMigrationServiceIT {
  private static final String USER = "dan";
  private static final String PASSWORD = "secret";
  private static GreenMail greenMail;

  @BeforeAll
  static void startLegacy() throws Exception {
    greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
    greenMail.start();
    greenMail.setUser("dan@example.com", USER, PASSWORD);
    try (ImapProbe imap = ImapProbe.login(greenMail.getImap().getPort(), USER, PASSWORD)) {
      imap.append("INBOX", "Subject: one\r\n\r\nHello\r\n".getBytes(US_ASCII), List.of(),
          Instant.parse("2024-01-01T00:00:00Z"));
    }
  }

  @AfterAll
  static void stopLegacy() {
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  private static Settings settings(Path tmp, RefusingProxy proxy) throws Exception {
    Path conf = tmp.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + proxy.port() + "\n"
        + "imapc_password = " + PASSWORD + "\n"
        + "imapc_cmd_timeout = 1 secs\nimapc_connection_retry_count = 1\nimapc_connection_retry_interval = 20 ms\n"
        + "mail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\nsweeper = no\n");
    return ConfigLoader.load(conf, List.of());
  }

  private static FolderResult migrateInboxWith(Path tmp, boolean drop) throws Exception {
    try (RefusingProxy proxy = new RefusingProxy(greenMail.getImap().getPort())) {
      try (MigrationService service = MigrationService.create(settings(tmp, proxy), new ConnectionLimiter(4),
          Clock.systemUTC())) {
        service.loggedIn(USER, Optional.of(PASSWORD));
        service.ensureSkeleton(USER);
        proxy.stall("UID FETCH .*BODY\\.PEEK\\[\\].*", 2, drop);
        return service.ensureFolder(USER, "INBOX", MigrationListener.NONE);
      }
    }
  }

  @Test
  void aServerThatStopsAnsweringTwiceIsReportedAsSilentForTheTimeoutNotAsADrop(@TempDir Path tmp) throws Exception {
    long start = System.nanoTime();
    FolderResult inbox = migrateInboxWith(tmp, false);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals(FolderResult.Outcome.PARTIAL, inbox.outcome(), inbox.toString());
    String reason = inbox.reason();
    assertTrue(reason.contains("the legacy server stopped answering twice (imapc_cmd_timeout) while sending it: "),
        reason);
    assertTrue(reason.contains(": the server sent nothing for 1 s, read timed out (while fetching UID 1)"), reason);
    assertFalse(reason.contains("dropped"), reason);
    // imapc_cmd_timeout, once per attempt (1 + imapc_connection_retry_count), and not much more
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0 && took.compareTo(Duration.ofSeconds(10)) < 0,
        took.toString());
  }

  @Test
  void aServerThatHangsUpTwiceIsReportedAsADrop(@TempDir Path tmp) throws Exception {
    FolderResult inbox = migrateInboxWith(tmp, true);
    assertEquals(FolderResult.Outcome.PARTIAL, inbox.outcome(), inbox.toString());
    assertTrue(inbox.reason().contains("the legacy server dropped the connection twice while sending it"),
        inbox.reason());
    assertFalse(inbox.reason().contains("stopped answering"), inbox.reason());
  }
}
