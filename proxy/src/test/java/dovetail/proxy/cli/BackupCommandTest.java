package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.copy.Undeliverable;
import dovetail.migrator.copy.UserResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCommandTest {
  @TempDir Path dir;

  @Test
  void withoutALegacyServerItIsAConfigurationErrorNamingTheKey() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "mail_location = maildir:" + dir + "/%n/Maildir\n");
    CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "alice");
    assertEquals(78, backup.exit());
    assertTrue(backup.err().startsWith("dovetail backup: imapc_host"), backup.err());
  }

  /** The offline commands read the same configuration: a store shared by every user is refused there too. */
  @Test
  void aMailLocationWithoutTheUserIsAConfigurationError() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_master_user = master\nimapc_password = pw\n"
        + "mail_location = maildir:" + dir + "/shared/Maildir\n");
    for (String command : List.of("backup", "verify")) {
      CliRun run = CliRun.of(command, "-c", conf.toString(), "-u", "alice");
      assertEquals(78, run.exit(), command);
      assertEquals("dovetail: " + conf + ":4: mail_location: expected a path that names the user (%u or %n, e.g. "
          + "maildir:/var/vmail/%d/%n/Maildir), found 'maildir:" + dir + "/shared/Maildir', one store for every user",
          run.err().strip(), command);
    }
    assertTrue(Files.notExists(dir.resolve("shared")), "no store was made");
  }

  @Test
  void aMissingPasswordIsAConfigurationError() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_master_user = master\nmail_location = maildir:" + dir
        + "/%n/Maildir\n");
    CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "alice");
    assertEquals(78, backup.exit());
    assertTrue(backup.err().contains("imapc_password"), backup.err());
  }

  @Test
  void theTerminalShowsOneLinePerFolderAndASummary() {
    StringWriter out = new StringWriter();
    Clock clock = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    BackupCommand.Terminal t = new BackupCommand.Terminal(new PrintWriter(out), false, clock);
    t.progress(new Progress("INBOX", 1, 2, 50, 100, 5_000_000, 10_000_000, 50, 5_000_000, Duration.ofSeconds(5),
        Duration.ofSeconds(5)));
    t.folderFinished(new FolderResult("INBOX", Outcome.COMPLETE, 100, 10_000_000, List.of(), ""));
    t.folderFinished(new FolderResult("Sent", Outcome.PARTIAL, 3, 3000, List.of(new Undeliverable(7, "NO")),
        "stopped at UID 7"));
    t.summary(new UserResult("alice", null, List.of(), List.of(), Optional.empty(), 103, 10_003_000,
        Duration.ofSeconds(10)));
    String text = out.toString();
    assertTrue(text.contains("[1/2] INBOX: 50/100 msgs, 5.0/10.0 MB, 1.0 MB/s, 10 msgs/s, ETA 0:05"), text);
    assertTrue(text.contains("INBOX: complete (100 msgs, 10.0 MB copied)"), text);
    assertTrue(text.contains("Sent: PARTIAL: stopped at UID 7"), text);
    assertTrue(text.contains("  ! undeliverable UID 7: NO"), text);
    assertTrue(text.contains("alice: complete, 0/0 folders complete, 103 messages and 10.0 MB copied in 0:10"), text);
  }
}
