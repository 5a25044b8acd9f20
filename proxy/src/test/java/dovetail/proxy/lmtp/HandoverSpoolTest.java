package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code handover} while a user's LMTP spool still holds mail (walk-through 16): Dovecot never reads the spool, so a
 * script printed then hands over a store whose acknowledged mail is lost to the user. handover refuses, names the
 * users and says what to do. The spool is written by the delivery's own {@link UserSpool}.
 */
class HandoverSpoolTest {
  @TempDir Path tmp;
  private Path conf;
  private MailLocation location;

  @BeforeEach
  void stores() throws Exception {
    Path home = tmp.resolve("home");
    conf = Files.writeString(tmp.resolve("dovetail.conf"), "mail_location = maildir:" + home
        + "/%n/Maildir\nadmin_socket = " + tmp.resolve("admin.sock") + "\n");
    location = MailLocation.parse("maildir:" + home + "/%n/Maildir");
    for (String user : new String[] {"alice", "bob"}) {
      for (String sub : new String[] {"cur", "new", "tmp"}) {
        Files.createDirectories(location.rootFor(user).resolve(sub));
      }
    }
  }

  @Test
  void aSpoolHoldingAMessageIsRefusedWithTheUsersNamed() throws Exception {
    MailStore alice = MaildirStore.forUser(location, "alice", StoreOptions.DEFAULT);
    new UserSpool(alice, false).add(new ByteArrayInputStream("Subject: waits\r\n\r\nx\r\n"
        .getBytes(StandardCharsets.US_ASCII)));

    String[] run = handover("-c", conf.toString());
    assertEquals("2", run[0], run[1] + "\n" + run[2]);
    assertEquals("", run[1], "no script");
    assertTrue(run[2].contains("dovetail handover: alice: the LMTP spool (dovetail-spool/ in the Maildir) still holds"
        + " mail not yet in INBOX"), run[2]);
    assertTrue(run[2].contains("cut-over step 9"), run[2]);
    assertFalse(run[2].contains("bob"), run[2]);

    String[] bobOnly = handover("-c", conf.toString(), "-u", "bob");
    assertEquals("0", bobOnly[0], bobOnly[1] + "\n" + bobOnly[2]);
  }

  @Test
  void anUnfinishedDrainIsRefusedToo() throws Exception {
    Path spool = location.rootFor("bob").resolve(LmtpSpools.DIR);
    Files.createDirectories(spool);
    Files.writeString(spool.resolve("draining"), "a drain that a crash interrupted\n");

    String[] run = handover("-c", conf.toString());
    assertEquals("2", run[0], run[1] + "\n" + run[2]);
    assertTrue(run[2].contains("bob: the LMTP spool"), run[2]);
  }

  @Test
  void anEmptiedSpoolIsNoObstacle() throws Exception {
    Files.createDirectories(location.rootFor("alice").resolve(LmtpSpools.DIR).resolve("tmp"));
    String[] run = handover("-c", conf.toString());
    assertEquals("0", run[0], run[1] + "\n" + run[2]);
    assertFalse(run[1].isEmpty(), "the script");
  }

  /** {exit, stdout, stderr} of {@code handover args}. */
  private static String[] handover(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "handover";
    System.arraycopy(args, 0, full, 1, args.length);
    CliRun run = CliRun.of(full);
    return new String[] {Integer.toString(run.exit()), run.out(), run.err()};
  }

}
