package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.migrator.copy.MigrationState;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
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
    FolderStatus status = StatusReader.folder(store.peek("Big").orElseThrow(), null);
    assertEquals("partial", status.state());
  }
}
