package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.UidlFormat;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renumbered message shows the same POP3 UIDL afterwards, storing it as P only where the format would change it. */
class RenumberingTest {
  @TempDir Path dir;
  private int stores;

  private StoredMessage moved(String format, String storedP) {
    Mailbox box = MaildirStore.open(dir.resolve("store" + stores++), StoreOptions.DEFAULT)
        .create("INBOX", 1234, 1);
    box.append(MessageMeta.withUid(7, Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE).withPop3(storedP, 0),
        new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    StoredMessage old = box.message(7).orElseThrow();
    UidlFormat f = UidlFormat.parse(format);
    String before = f.uidl(1234, old);
    long to = new Renumbering(box, f, "test.pending",
        updates -> box.updateDovetailState(state -> MigrationState.merge(state, updates))).renumber(old, Map.of());
    StoredMessage now = box.message(to).orElseThrow();
    assertEquals(before, f.uidl(1234, now), format + " shows the same UIDL after the move");
    return now;
  }

  @Test
  void theUidlIsStoredOnlyWhenTheFormatWouldChangeIt() {
    assertEquals("1234.7", moved("%v.%u", null).pop3Uidl());
    assertEquals(16, moved("%08Xu%08Xv", null).pop3Uidl().length());
    assertNull(moved("%v", null).pop3Uidl(), "the same for every UID and file: nothing to store");
    moved("%f", null); // a new file: its old name is stored
    moved("%g", null);
    assertEquals("legacy-7", moved("%v.%u", "legacy-7").pop3Uidl());
    moved("%v.%u", ""); // an empty P shows the base name, which the copy's file changes
  }
}
