package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MB message migrates in a JVM with a 256 MB heap: nothing on the way holds a message in memory. */
class LargeMessageBackupDovecotIT {
  private static final long SIZE = 200L << 20;

  @Test
  void aTwoHundredMegabyteMessageMigratesWithA256MegabyteHeap(@TempDir Path tmp) throws IOException {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      Mailbox huge = store.create("Huge", 77, 1);
      huge.append(MessageMeta.withUid(1, Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE), LegacyCorpus.in(LegacyCorpus.CLEAN));
      huge.append(MessageMeta.withUid(5, Instant.parse("2024-01-02T00:00:00Z"), Flags.NONE), LegacyCorpus.bigMessage(SIZE, 3));
      huge.append(MessageMeta.withUid(6, Instant.parse("2024-01-03T00:00:00Z"), Flags.NONE), LegacyCorpus.in(LegacyCorpus.BARE_LF));
    }, "")) {
      String expected;
      MailStore legacyStore = MaildirStore.open(legacy.maildir(DovecotLegacy.USER), StoreOptions.DEFAULT);
      try (InputStream in = legacyStore.open("Huge").openContent(5)) {
        expected = Views.sha256(in);
      }
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), "maildir:" + tmp + "/store/%n");
      long start = System.nanoTime();
      ChildJvm child = ChildJvm.start("-Xmx256m", conf, DovecotLegacy.USER, "-f", "Huge");
      assertEquals(0, child.waitFor(300), child.output());
      double seconds = (System.nanoTime() - start) / 1e9;

      MailStore store = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT);
      Mailbox huge = store.open("Huge");
      assertEquals(java.util.List.of(1L, 5L, 6L), huge.messages().stream().map(m -> m.uid()).toList());
      assertEquals(SIZE, huge.message(5).orElseThrow().size());
      try (InputStream in = huge.openContent(5)) {
        assertEquals(expected, Views.sha256(in));
      }
      Matcher m = Pattern.compile("peakHeapMiB=(\\d+)").matcher(child.resultLine());
      assertTrue(m.find(), child.resultLine());
      System.out.printf("200 MB message through -Xmx256m: %.1f s (child JVM included), peak heap %s MiB%n", seconds, m.group(1));
    }
  }
}
