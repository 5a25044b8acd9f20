package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.LegacyMailboxes;
import dovetail.proxy.server.Nobody;
import dovetail.proxy.server.ServeChild;
import dovetail.store.dovecot.DovecotServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder directory the server may not read (walk-through 11, W5: {@code chmod 000 .Work}, with serve running as
 * the store's owner, since root reads it anyway). Before, it vanished: LIST left it out (a client then drops its copy),
 * SELECT said {@code No such mailbox.}, CREATE {@code CREATE processing failed.}, nothing was logged, and {@code
 * status -u} called the user complete without it, {@code verify} said its messages were not in the store. Now, as
 * Dovecot 2.3 does, LIST shows it, SELECT and STATUS (and CREATE) are a NO [SERVERBUG] that says the folder cannot be
 * read, the log says which directory and why, the user's other folders work, and status and verify name the folder.
 * Real Dovecot is the legacy server the user is migrated from; serve runs as nobody (setpriv).
 */
class UnreadableFolderDovecotIT {
  @TempDir Path dir;

  @Test
  void anUnreadableFolderIsListedAndRefusedLoudlyWhileTheOthersWork() throws Exception {
    assumeTrue(Nobody.whyNot() == null, Nobody.whyNot());
    DovecotServer.assumeInstalled();
    Path legacyDir = Files.createDirectories(dir.resolve("legacy"));
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "alice"),
        LegacyMailboxes.counts("INBOX", 2, "Work", 3, "Other", 1), 5);
    try (DovecotServer legacy = DovecotServer.builder(legacyDir).masterUser("master", "master-secret")
        .autoCreateSpecialUse(false).user("alice", "alice-pw").start()) {
      Path serveDir = Files.createDirectories(dir.resolve("serve"));
      Nobody.chmod("711", dir); // nobody reaches serveDir, its own (JUnit makes the temporary directory 0700)
      Path conf = config(serveDir, legacy.imapPort());
      String classpath = Nobody.classpathIn(serveDir.resolve("classpath"));
      Nobody.own(serveDir);
      try (ServeChild serve = ServeChild.startAsNobody(conf, classpath)) {
        int port = serve.awaitImapPort(60);
        CliRun migrated = CliRun.of("migrate", "-c", conf.toString(), "-u", "alice", "--wait");
        assertEquals(0, migrated.exit(), migrated.out() + migrated.err() + serve.tail(30));
        Path work = serveDir.resolve("store/alice/Maildir/.Work");
        Nobody.chmod("000", work);
        int logged = serve.lines().size();

        try (RawImap imap = RawImap.connect(port)) {
          assertTrue(RawImap.last(imap.command("LOGIN alice alice-pw")).contains(" OK "));
          List<String> list = imap.command("LIST \"\" *");
          assertTrue(list.stream().anyMatch(l -> l.startsWith("* LIST ") && l.endsWith(" \"Work\"")), list.toString());
          assertCannotBeRead(imap.command("STATUS Work (MESSAGES)"));
          assertCannotBeRead(imap.command("SELECT Work"));
          assertCannotBeRead(imap.command("CREATE Work")); // it said CREATE processing failed.
          assertCannotBeRead(imap.append("Work", "()", "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
          assertCannotBeRead(imap.command("DELETE Work")); // it said No such mailbox. (APPEND: [TRYCREATE])
          List<String> other = imap.command("SELECT Other");
          assertTrue(other.contains("* 1 EXISTS") && RawImap.last(other).contains(" OK "), other.toString());
          assertTrue(RawImap.last(imap.command("STATUS INBOX (MESSAGES)")).contains(" OK "));
        }
        List<String> log = serve.lines().subList(logged, serve.lines().size());
        // (A late-mail check that the migration started may name the folder too, in a line of its own.)
        String why = " refused: Work: folder Work cannot be read: " + work + ": Permission denied";
        List<String> refused = log.stream().filter(l -> l.contains(why)).toList();
        assertEquals(5, refused.size(), "one line for each command on Work:\n" + String.join("\n", log));
        assertTrue(Files.isDirectory(work), "still there after its DELETE was refused");
        assertTrue(log.stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + String.join("\n", log));

        CliRun status = CliRun.of("status", "-c", conf.toString(), "-u", "alice", "--json");
        JsonNode user = new ObjectMapper().readTree(status.out()).path("users").path(0);
        assertEquals(2, status.exit(), "an error, as for any user whose status cannot be read: " + status.out());
        assertEquals(false, user.path("complete").asBoolean(), user.toString());
        assertTrue(user.path("error").asText().contains("folder Work cannot be read"), user.toString());

        // A second migrate names the folder as what keeps the user incomplete (it stopped "on an unexpected error").
        CliRun again = CliRun.of("migrate", "-c", conf.toString(), "-u", "alice", "--wait");
        assertEquals(1, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("! folder Work cannot be read: " + work) && again.out().contains("INCOMPLETE"),
            again.out());

        // verify reads the store itself, as the store's owner: it said Work's messages "are not in the store"
        Nobody.Run verify = Nobody.dovetail(classpath, "verify", "-c", conf.toString(), "-u", "alice");
        assertEquals(2, verify.exit(), verify.output());
        assertTrue(verify.output().contains("alice: folder Work cannot be read: " + work), verify.output());

        // Once its mode is mended, the folder is served again with its three messages, without a restart.
        Nobody.chmod("700", work);
        try (RawImap imap = RawImap.connect(port)) {
          assertTrue(RawImap.last(imap.command("LOGIN alice alice-pw")).contains(" OK "));
          List<String> work3 = imap.command("SELECT Work");
          assertTrue(work3.contains("* 3 EXISTS") && RawImap.last(work3).contains(" OK "), work3.toString());
        }
      }
    }
  }

  private static void assertCannotBeRead(List<String> reply) {
    String last = RawImap.last(reply);
    assertTrue(last.contains(" NO [SERVERBUG] ") && last.contains("Work cannot be read"), reply.toString());
  }

  /** The server's settings, readable by nobody, who owns the store (empty until migrated). */
  private static Path config(Path serveDir, int legacyPort) throws Exception {
    Files.createDirectories(serveDir.resolve("store"));
    return Files.writeString(serveDir.resolve("dovetail.conf"), String.join("\n",
        "imap_listen = 127.0.0.1:0", "pop3_listen =", "lmtp_listen =",
        "passdb = legacy",
        "imapc_host = 127.0.0.1",
        "imapc_port = " + legacyPort,
        "imapc_master_user = master",
        "imapc_password = master-secret",
        "mail_location = maildir:" + serveDir.resolve("store") + "/%n/Maildir",
        "admin_socket = " + serveDir.resolve("admin.sock")) + "\n");
  }

}
