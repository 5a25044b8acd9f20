package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder's view is built without a stat per file (a cold SELECT of 100,000 messages spent a fifth of its time on
 * them): a message's INTERNALDATE, its file's mtime, is read when first asked for, where the file is then.
 */
class MessageDateOnUseTest {
  private static final Instant DATE = Instant.parse("2021-03-04T05:06:07Z");

  @TempDir Path root;
  private Path cur;
  private StoredMessage message;

  /** One message saved by one store object; read by a second one (a restart), whose view knows no date yet. */
  @BeforeEach
  void oneMessageSeenAfterARestart() {
    Mailbox saved = MaildirStore.open(root, StoreOptions.DEFAULT).create("INBOX", 1234, 1);
    try (MailboxTransaction tx = saved.begin()) {
      tx.add(MessageMeta.withUid(7, DATE, Flags.of(SystemFlag.SEEN)),
          new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
      tx.commit();
    }
    MailStore restarted = MaildirStore.open(root, StoreOptions.DEFAULT);
    message = restarted.open("INBOX").messages().get(0);
    cur = root.resolve("cur");
  }

  @Test
  void theDateIsTheMtimeWhenFirstAskedFor() throws IOException {
    assertNull(message.knownInternalDate(), "the view was built without a stat");
    Files.setLastModifiedTime(file(), FileTime.from(DATE.plusSeconds(100)));
    assertEquals(DATE.plusSeconds(100), message.internalDate());
    Files.setLastModifiedTime(file(), FileTime.from(DATE.plusSeconds(200)));
    assertEquals(DATE.plusSeconds(100), message.internalDate(), "read once, then kept");
  }

  @Test
  void aFileRenamedSinceTheViewIsFoundAgain() throws IOException {
    Path renamed = cur.resolve(message.baseName() + ":2,FS"); // another writer flagged it
    Files.move(file(), renamed);
    Files.setLastModifiedTime(renamed, FileTime.from(DATE.plusSeconds(300)));
    assertEquals(DATE.plusSeconds(300), message.internalDate());
  }

  @Test
  void aFileGoneSinceTheViewHasTheTimeItsNameBeginsWith() throws IOException {
    Files.delete(file());
    String base = message.baseName();
    assertEquals(Instant.ofEpochSecond(Long.parseLong(base.substring(0, base.indexOf('.')))), message.internalDate());
  }

  private Path file() {
    return cur.resolve(message.baseName() + ":2,S");
  }
}
