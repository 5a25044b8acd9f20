package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.FsyncMode;
import dovetail.migrator.copy.FaultProxy.Fault;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legacy server that lists two different messages under one UID (real Dovecot behind a {@link FaultProxy} that
 * turns UID 3 into UID 2 in every FETCH): the first one listed is copied with its own bytes, flags and date, and the
 * other is a counted skip with its reason in the folder's state and the backup's result, where the second one's
 * metadata went silently with the first one's bytes.
 */
class DuplicateUidDovecotIT {
  private static Instant date(int uid) {
    return Instant.parse("2024-01-0" + uid + "T00:00:00Z");
  }

  @Test
  void twoMessagesUnderOneUidCopyTheFirstAndSkipTheOtherWithItsReason(@TempDir Path tmp) throws IOException {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      Mailbox work = store.create("Work", 77, 1);
      for (int uid = 1; uid <= 5; uid++) {
        Flags flags = uid == 3 ? Flags.of(dovetail.store.SystemFlag.FLAGGED) : Flags.NONE;
        work.append(MessageMeta.withUid(uid, date(uid), flags), LegacyCorpus.in(
            ("Subject: message " + uid + "\r\n\r\nbody " + uid + "\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
    }, "");
        FaultProxy proxy = new FaultProxy(legacy.imapPort(), n -> Fault.UID_3_AS_2, 1, FaultProxy.seed())) {
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), proxy.port(), "maildir:" + tmp + "/store/%n");
      Backup backup = Backup.of(ConfigLoader.load(conf, List.of()), DovecotLegacy.USER, false,
          new ConnectionLimiter(4), Clock.systemUTC());
      UserResult result = backup.run(List.of("Work"), MigrationListener.NONE);
      assertTrue(proxy.struck() > 0, "UID 3 was listed as UID 2");

      FolderResult work = result.folders().stream().filter(f -> f.folder().equals("Work")).findFirst().orElseThrow();
      assertEquals(FolderResult.Outcome.COMPLETE, work.outcome(), work.toString());
      assertEquals(List.of(new Undeliverable(2, "the legacy server lists 2 different messages under this UID;"
          + " the first one is copied, 1 skipped")), work.undeliverable());

      Mailbox copied = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT).open("Work");
      assertEquals(List.of(1L, 2L, 4L, 5L), copied.messages().stream().map(m -> m.uid()).toList());
      assertEquals(date(2), copied.message(2).orElseThrow().internalDate(), "UID 2's own date, not message 3's");
      assertEquals(Flags.NONE, copied.message(2).orElseThrow().flags(), "UID 2's own flags, not message 3's");
      try (InputStream in = copied.openContent(2)) {
        assertTrue(new String(in.readAllBytes(), StandardCharsets.US_ASCII).contains("body 2"));
      }
      Map<String, String> state = copied.dovetailState();
      assertEquals(work.undeliverable().get(0).reason(), state.get(MigrationState.SKIPPED_PREFIX + "2.duplicate.1"),
          "counted as skipped by status: " + state);
    }
  }
}
