package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MOVE into the folder it comes from (RFC 6851 allows it): the message takes a new UID and the old one is expunged,
 * by renaming its file, as a MOVE between folders does, so that a kill -9 cannot leave two copies in the folder. It
 * was a copy and an expunge (a second file).
 */
class MoveWithinOneFolderIT {
  @TempDir Path dir;

  @Test
  void theMessageTakesANewUidAndKeepsItsFile() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      MailStore store = dovetail.store("alice");
      store.create("INBOX", 555, 1).append(MessageMeta.next(Instant.parse("2024-02-03T04:05:06Z"),
          Flags.of(SystemFlag.FLAGGED)), new ByteArrayInputStream("Subject: here\r\n\r\nhere\r\n".getBytes(StandardCharsets.US_ASCII)));
      Path cur = dovetail.mailRoot().resolve("alice/Maildir/cur");
      Object inode = Files.getAttribute(onlyFile(cur), "unix:ino");
      try (RawImap imap = RawImap.selected(dovetail.imapPort(), "alice", "secret", "INBOX")) {
        List<String> moved = imap.command("UID MOVE 1 INBOX");
        assertTrue(RawImap.last(moved).contains(" OK "), moved.toString());
        assertTrue(moved.contains("* OK [COPYUID 555 1 2] Moved UIDs."), moved.toString());
        assertTrue(moved.contains("* 1 EXPUNGE"), moved.toString());
      }
      List<StoredMessage> now = store.open("INBOX").messages();
      assertEquals(List.of(2L), now.stream().map(StoredMessage::uid).toList());
      assertEquals(Flags.of(SystemFlag.FLAGGED), now.get(0).flags());
      assertEquals(Instant.parse("2024-02-03T04:05:06Z"), now.get(0).internalDate());
      assertEquals(inode, Files.getAttribute(onlyFile(cur), "unix:ino"), "the same file, renamed: never two copies");
    }
  }

  private static Path onlyFile(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), all.toString());
      return all.get(0);
    }
  }
}
