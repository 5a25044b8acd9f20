package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder's Dovetail state has two writers at once: the IMAP front-end reserving mod-sequences
 * ({@link FolderState}) and the migration recording its progress (as FolderMigration does, merging its keys into
 * the state). Neither may lose the other's update.
 */
class FolderStateWritersTest {
  @TempDir Path dir;

  @Test
  void modSeqReservationsAndMigrationProgressRunningAtOnceLoseNothing() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    store.create("INBOX", 99, 1).writeDovetailState(Map.of("state", "migrating"));
    int progressUpdates = 300;
    int reservations = 300;
    FolderState modSeqs = new FolderState();
    CompletableFuture<Long> front = CompletableFuture.supplyAsync(() -> {
      Mailbox inbox = store.open("INBOX");
      modSeqs.ensureLoaded(inbox);
      long last = 0;
      for (long i = 0; i < reservations * FolderState.RESERVE; i++) {
        last = modSeqs.next(inbox);
      }
      return last;
    });
    CompletableFuture<Void> migration = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < progressUpdates; i++) {
        String key = "skipped." + i;
        store.open("INBOX").updateDovetailState(before -> {
          Map<String, String> next = new TreeMap<>(before);
          next.put(key, "reason");
          next.put("lastUid", key);
          return next;
        });
      }
    });
    long lastModSeq = front.get(120, TimeUnit.SECONDS);
    migration.get(120, TimeUnit.SECONDS);

    Map<String, String> state = store.open("INBOX").dovetailState();
    List<String> lost = new ArrayList<>();
    for (int i = 0; i < progressUpdates; i++) {
      if (!state.containsKey("skipped." + i)) {
        lost.add("skipped." + i);
      }
    }
    assertEquals(0, lost.size(), "migration progress lost to the mod-sequence writer: "
        + lost.subList(0, Math.min(10, lost.size())) + " ...");
    assertEquals("migrating", state.get("state"));
    FolderState afterRestart = new FolderState();
    afterRestart.ensureLoaded(store.open("INBOX"));
    assertTrue(afterRestart.highest() > lastModSeq,
        "the reserved ceiling survives the migration's writes: " + afterRestart.highest() + " > " + lastModSeq);
  }
}
