package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder whose {@code dovetail-state} (or whose directory) cannot be written: its mod-sequences cannot be
 * reserved on disk. Reads still work; every write is refused with NO before it changes anything, and works again
 * once the state can be written. Before, SELECT failed (the first look reserved mod-sequences and gave up), and an
 * APPEND stored its message before failing to reserve its mod-sequence: answered NO, kept, and a retry stored it
 * twice.
 *
 * <p>The tests run as root, which file modes do not stop: the file or directory is made immutable ({@code chattr
 * +i}). Skipped where chattr cannot do that.
 */
class UnwritableStateIT {
  private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

  @TempDir Path dir;
  private TestDovetail dovetail;
  private MailStore store;
  private Path immutable;

  @BeforeEach
  void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    store = dovetail.store("alice");
    Mailbox inbox = store.open("INBOX");
    append(inbox, "one", Flags.NONE);
    append(inbox, "two", Flags.of(SystemFlag.DELETED));
    // Served before: its state holds a mod-sequence reservation.
    inbox.updateDovetailState(s -> new TreeMap<>(Map.of("modseq.highest", "1000")));
    store.create("Other");
  }

  @AfterEach
  void stop() throws Exception {
    if (immutable != null) {
      Chattr.mutable(immutable);
    }
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static void append(Mailbox folder, String subject, Flags flags) {
    folder.append(MessageMeta.next(Instant.parse("2024-05-06T07:08:09Z"), flags), new ByteArrayInputStream(
        ("Subject: " + subject + "\r\n\r\n" + subject + "\r\n").getBytes(StandardCharsets.US_ASCII)));
  }

  private RawImap login() throws IOException {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
    return imap;
  }

  private static String status(List<String> reply) {
    return RawImap.last(reply).split(" ")[1];
  }

  private List<String> subjects(String folder) {
    Mailbox box = store.open(folder);
    return box.messages().stream().map(m -> subject(box, m)).toList();
  }

  private static String subject(Mailbox box, StoredMessage m) {
    try (var in = box.openContent(m.uid())) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\r\n")[0];
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anUnwritableStateFileLeavesReadsWorkingAndRefusesEveryWriteWhole() throws Exception {
    Path stateFile = store.open("INBOX").dovetailFile("expunged").resolveSibling("dovetail-state");
    immutable = Chattr.immutable(stateFile);
    byte[] three = "Subject: three\r\n\r\nthree\r\n".getBytes(StandardCharsets.US_ASCII);
    try (RawImap imap = login()) {
      assertEquals("OK", status(imap.command("SELECT INBOX")));
      List<String> fetch = imap.command("FETCH 1:* (FLAGS)");
      assertEquals("OK", status(fetch), fetch.toString());
      assertEquals(2, fetch.size() - 1, fetch.toString());
      List<String> search = imap.command("SEARCH ALL");
      assertEquals(List.of("* SEARCH 1 2", "OK"), List.of(search.get(0), status(search)));

      assertEquals("NO", status(imap.command("STORE 1 +FLAGS (\\Flagged)")));
      String refused = RawImap.last(imap.append("INBOX", "()", three));
      assertEquals("NO [SERVERBUG] Internal error occurred. Refer to server log for more information.",
          refused.substring(refused.indexOf(' ') + 1), "Dovecot's words for a store that cannot be written");
      assertEquals("NO", status(imap.append("INBOX", "()", three)), "the client retries");
      assertEquals("NO", status(imap.command("COPY 1 INBOX")));
      assertEquals("NO", status(imap.command("EXPUNGE")));
      assertEquals("NO", status(imap.command("MOVE 1 Other")));
    }
    assertEquals(List.of("Subject: one", "Subject: two"), subjects("INBOX"), "nothing added, nothing expunged");
    assertEquals(List.of(), subjects("Other"), "MOVE copied nothing");
    assertEquals(Flags.NONE, store.open("INBOX").messages().get(0).flags(), "STORE changed nothing");

    Chattr.mutable(immutable);
    immutable = null;
    try (RawImap imap = login()) {
      assertEquals("OK", status(imap.append("INBOX", "()", three)), "writable again");
    }
    assertEquals(List.of("Subject: one", "Subject: two", "Subject: three"), subjects("INBOX"), "stored once");
  }

  /**
   * The duplicate: the state became unwritable while the folder was open, and writes went on under the
   * reservation on disk until an APPEND needed the next one. That APPEND stored its message, failed to reserve,
   * answered NO; the client's retry was let through (the ceiling had been raised in memory only) and stored it again.
   */
  @Test
  void anAppendThatCannotReserveItsModSeqStoresNothingAndItsRetryIsRefusedToo() throws Exception {
    byte[] three = "Subject: three\r\n\r\nthree\r\n".getBytes(StandardCharsets.US_ASCII);
    try (RawImap imap = login()) {
      imap.command("ENABLE CONDSTORE");
      assertEquals("OK", status(imap.command("SELECT INBOX")));
      long reserved = Long.parseLong(store.open("INBOX").dovetailState().get("modseq.highest"));
      immutable = Chattr.immutable(store.open("INBOX").dovetailFile("expunged").resolveSibling("dovetail-state"));
      long modSeq = 0;
      for (int i = 0; modSeq < reserved; i++) {
        List<String> stored = imap.command("STORE 1 " + (i % 2 == 0 ? "+" : "-") + "FLAGS (\\Flagged)");
        assertEquals("OK", status(stored), "under the reservation on disk, after " + i + ": " + stored);
        Matcher m = MODSEQ.matcher(stored.get(0));
        assertTrue(m.find(), stored.toString());
        modSeq = Long.parseLong(m.group(1));
      }
      assertEquals("NO", status(imap.append("INBOX", "()", three)), "beyond the reservation");
      assertEquals("NO", status(imap.append("INBOX", "()", three)), "the client retries");
      assertEquals(List.of("Subject: one", "Subject: two"), subjects("INBOX"), "a refused APPEND stores nothing");
      Chattr.mutable(immutable);
      immutable = null;
      assertEquals("OK", status(imap.append("INBOX", "()", three)), "and retries once more");
    }
    assertEquals(List.of("Subject: one", "Subject: two", "Subject: three"), subjects("INBOX"), "stored once");
  }

  @Test
  void anUnwritableFolderDirectoryLeavesReadsWorkingAndRefusesAppend() throws Exception {
    Path folderDir = store.open("INBOX").dovetailFile("expunged").getParent();
    immutable = Chattr.immutable(folderDir);
    try (RawImap imap = login()) {
      assertEquals("OK", status(imap.command("SELECT INBOX")));
      List<String> fetch = imap.command("FETCH 1:* (FLAGS)");
      assertEquals(List.of("OK", 3), List.of(status(fetch), fetch.size()), fetch.toString());
      assertEquals("NO", status(imap.append("INBOX", "()", "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))));
      assertEquals("NO", status(imap.command("STORE 1 +FLAGS (\\Flagged)")));
    }
    assertEquals(List.of("Subject: one", "Subject: two"), subjects("INBOX"));
    assertTrue(Files.exists(folderDir));
  }
}
