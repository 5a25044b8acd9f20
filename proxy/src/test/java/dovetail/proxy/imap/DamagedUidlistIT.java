package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder whose dovecot-uidlist is damaged (emptied here) is refused, as documented, with Dovecot's {@code NO
 * [SERVERBUG] Internal error occurred...} for every command on it, while the other folders work (walk-through 11,
 * W10: SELECT answered "NO SELECT completed.", STATUS "NO STATUS failed. Status failed.", and the log named an
 * interrupted read instead of the damaged file).
 */
class DamagedUidlistIT {
  private static final String SERVERBUG = "NO [SERVERBUG] Internal error occurred.";

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    MailStore store = dovetail.store("alice");
    Mailbox damaged = store.create("Damaged");
    damaged.append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), Flags.NONE),
        new ByteArrayInputStream("Subject: one\r\n\r\none\r\n".getBytes(StandardCharsets.US_ASCII)));
    Files.write(dovetail.mailRoot().resolve("alice/Maildir/.Damaged/dovecot-uidlist"), new byte[0]);
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void everyCommandOnTheFolderIsAServerbugAndTheOthersWork() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      for (String command : List.of("SELECT Damaged", "EXAMINE Damaged", "STATUS Damaged (MESSAGES UIDNEXT)")) {
        String answer = RawImap.last(imap.command(command));
        assertTrue(answer.contains(SERVERBUG), command + ": " + answer);
      }
      String append = RawImap.last(imap.append("Damaged", "()", "Subject: two\r\n\r\ntwo\r\n".getBytes(
          StandardCharsets.US_ASCII)));
      assertTrue(append.contains(SERVERBUG), "APPEND: " + append);
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
    }
  }
}
