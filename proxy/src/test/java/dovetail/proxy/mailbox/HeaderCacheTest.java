package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.james.mailbox.ModSeq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEARCH reads headers through getHeaderContent: ordinary ones come from memory after the first read. */
class HeaderCacheTest {
  private static final StoreMailboxId ID = new StoreMailboxId(1);

  @TempDir
  Path root;

  @Test
  void aShortHeaderIsServedFromMemoryOnceRead() throws IOException {
    Mailbox box = MaildirStore.open(root, StoreOptions.DEFAULT).open("INBOX");
    StoredMessage m = box.append(MessageMeta.next(Instant.ofEpochSecond(1_600_000_000L), Flags.NONE),
        bytes("Subject: hi\nFrom: a@example.com\n\nbody\n"));
    ShapeCache cache = new ShapeCache(100, 1 << 20);
    byte[] expected = "Subject: hi\r\nFrom: a@example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(expected, header(new StoreMailboxMessage(m, ID, box, ModSeq.of(1), cache)));

    deleteMessageFiles();
    // A later message object for the same UID and GUID (as each command makes) needs no file.
    assertArrayEquals(expected, header(new StoreMailboxMessage(m, ID, box, ModSeq.of(1), cache)));
  }

  @Test
  void aLongHeaderIsReadFromTheFileEachTime() throws IOException {
    Mailbox box = MaildirStore.open(root, StoreOptions.DEFAULT).open("INBOX");
    String longHeader = "X-Long: " + "x".repeat(ShapeCache.MAX_KEPT_HEADER) + "\r\n\r\n";
    StoredMessage m = box.append(MessageMeta.next(Instant.ofEpochSecond(1_600_000_000L), Flags.NONE),
        bytes(longHeader + "body\r\n"));
    ShapeCache cache = new ShapeCache(100, 1 << 20);
    assertArrayEquals(longHeader.getBytes(StandardCharsets.US_ASCII),
        header(new StoreMailboxMessage(m, ID, box, ModSeq.of(1), cache)));

    deleteMessageFiles();
    assertThrows(MessageGoneException.class, () -> header(new StoreMailboxMessage(m, ID, box, ModSeq.of(1), cache)),
        "read from the file, which is gone");
  }

  private static byte[] header(StoreMailboxMessage message) throws IOException {
    try (InputStream in = message.getHeaderContent()) {
      return in.readAllBytes();
    }
  }

  private void deleteMessageFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("cur"))) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }
}
