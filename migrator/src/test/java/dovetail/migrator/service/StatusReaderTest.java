package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.migrator.copy.MigrationState;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusReaderTest {
  @TempDir Path dir;

  /**
   * A folder whose dovetail-state says "migrating" while no run of it is going on here (serve was stopped or killed in
   * the middle) stopped part-way: status says partial (resumable), not migrating for ever (walk-through 5, F14).
   */
  @Test
  void aMigrationThatIsNotRunningHereIsPartial() {
    MailStore store = MaildirStore.open(dir.resolve("alice"), StoreOptions.DEFAULT);
    Mailbox big = store.create("Big", 42, 1);
    big.writeDovetailState(Map.of(MigrationState.STATE, "migrating", MigrationState.LEGACY_NAME, "Big",
        MigrationState.LEGACY_UIDVALIDITY, "42"));
    FolderStatus status = StatusReader.folder(store.peek("Big").orElseThrow(), name -> null);
    assertEquals("partial", status.state());
  }

  /** The keywords a migration dropped, as its state records them, are in the folder's status (walk-through 8, W5). */
  @Test
  void droppedKeywordsAreInTheStatus() {
    MailStore store = MaildirStore.open(dir.resolve("alice"), StoreOptions.DEFAULT);
    Mailbox kw = store.create("Kw", 42, 1);
    kw.writeDovetailState(Map.of(MigrationState.STATE, "complete", MigrationState.LEGACY_NAME, "Kw",
        MigrationState.LEGACY_UIDVALIDITY, "42", MigrationState.LEGACY_UIDNEXT, "1", MigrationState.FLAGS_DROPPED, "2",
        MigrationState.FLAGS_DROPPED_NAMES, "$kw26 $kw27"));
    FolderStatus status = StatusReader.folder(store.peek("Kw").orElseThrow(), name -> null);
    assertEquals(new FolderStatus.DroppedFlags(2, "$kw26 $kw27"), status.flagsDropped());
    Mailbox plain = store.create("Plain", 43, 1);
    plain.writeDovetailState(Map.of(MigrationState.STATE, "complete", MigrationState.LEGACY_NAME, "Plain",
        MigrationState.LEGACY_UIDVALIDITY, "43", MigrationState.LEGACY_UIDNEXT, "1"));
    assertEquals(FolderStatus.DroppedFlags.NONE, StatusReader.folder(store.peek("Plain").orElseThrow(), name -> null)
        .flagsDropped());
  }
  /**
   * A run that ends between the read of the state ("migrating") and the look for the run (gone): the state is read
   * again and says how it ended; it showed "partial" for a moment (walk-through 9, W7).
   */
  @Test
  void aRunThatEndsWhileStatusLooksIsNotShownPartial() {
    MailStore store = MaildirStore.open(dir.resolve("alice"), StoreOptions.DEFAULT);
    Mailbox box = store.create("Done", 42, 1);
    box.writeDovetailState(Map.of(MigrationState.STATE, "migrating", MigrationState.LEGACY_NAME, "Done",
        MigrationState.LEGACY_UIDVALIDITY, "42", MigrationState.LEGACY_UIDNEXT, "1"));
    FolderStatus status = StatusReader.folder(store.peek("Done").orElseThrow(), name -> {
      box.updateDovetailState(s -> {
        Map<String, String> ended = new java.util.HashMap<>(s);
        ended.put(MigrationState.STATE, "complete");
        return ended;
      });
      return null; // the run has just ended
    });
    assertEquals("complete", status.state());
  }

  /**
   * Walk-through 18, F6: during a legacy outage a login made INBOX before the user's legacy folders could be listed,
   * and status showed it "local" (made here, nothing to migrate) while its 61 legacy messages waited. Until the folders
   * are listed such a folder is pending; afterwards a folder without a migration state is the user's own.
   */
  @Test
  void aFolderWithoutMigrationStateIsPendingUntilTheLegacyFoldersWereListed() {
    MailStore store = MaildirStore.open(dir.resolve("una"), StoreOptions.DEFAULT);
    if (!store.exists(MailStore.INBOX)) {
      store.create(MailStore.INBOX); // as a login or a delivery makes it
    }
    store.open(MailStore.INBOX).append(MessageMeta.next(Instant.now(), Flags.NONE),
        new ByteArrayInputStream("Subject: delivered\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
    UserStatus before = StatusReader.read("una", store, false, Map.of(), name -> null);
    assertEquals("pending", before.folders().get(0).state());
    // Its legacy size is not known yet, and the delivered message is not a migrated one.
    assertEquals(List.of(0L, -1L, 1L), List.of(before.folders().get(0).messagesDone(),
        before.folders().get(0).messagesTotal(), before.folders().get(0).messagesLocal()));
    assertEquals(false, before.skeleton());
    UserStatus after = StatusReader.read("una", store, true, Map.of(), name -> null);
    assertEquals("local", after.folders().get(0).state());
    assertEquals(true, after.skeleton());
    assertEquals(false, StatusReader.read("una", store, true, Map.of("Old", "why"), name -> null).skeleton(),
        "a legacy folder left unset: the skeleton is not final");
  }
}
