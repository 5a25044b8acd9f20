package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user with more messages than the heap can hold the folder views of migrates in a small heap: the backup's
 * store keeps a folder's view only while the folder is used, so memory follows the largest folder, not the
 * user. (Before, every folder's view stayed: a backup of 100,000 messages ran out of a 128 MB heap.)
 */
class ManyMessagesBackupDovecotIT {
  private static final int FOLDERS = 8;
  private static final int PER_FOLDER = 3_000;

  @Test
  void aUserWithMoreMessagesThanTheHeapHoldsTheViewsOfMigratesFolderByFolder(@TempDir Path tmp) {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      for (int f = 0; f < FOLDERS; f++) {
        Mailbox folder = f == 0 ? store.open(MailStore.INBOX) : store.create("Folder" + f, 1000 + f, 1);
        for (int first = 1; first <= PER_FOLDER; first += 100) {
          try (MailboxTransaction tx = folder.begin()) {
            for (int uid = first; uid < first + 100; uid++) {
              byte[] body = ("Subject: " + f + "/" + uid + "\r\n\r\nbody " + uid + "\r\n").getBytes(StandardCharsets.US_ASCII);
              tx.add(MessageMeta.withUid(uid, Instant.parse("2024-01-01T00:00:00Z").plusSeconds(uid), Flags.NONE),
                  new ByteArrayInputStream(body));
            }
            tx.commit();
          }
        }
      }
    }, "")) {
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), "maildir:" + tmp + "/store/%n");
      // The views of all 24,000 messages do not fit into this heap (with every folder kept, the backup runs out of
      // memory); one folder's 3,000 do.
      long start = System.nanoTime();
      ChildJvm child = ChildJvm.start("-Xmx24m", conf, DovecotLegacy.USER);
      assertEquals(0, child.waitFor(300), child.output());
      System.out.printf("%d messages in %d folders through -Xmx24m: %.1f s (child JVM included), %s%n",
          FOLDERS * PER_FOLDER, FOLDERS, (System.nanoTime() - start) / 1e9, child.resultLine());

      MailStore store = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT);
      for (int f = 0; f < FOLDERS; f++) {
        String name = f == 0 ? MailStore.INBOX : "Folder" + f;
        assertEquals(PER_FOLDER, store.open(name).status().messages(), name);
      }
    }
  }
}
