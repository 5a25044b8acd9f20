package dovetail.migrator.copy;

import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Many ordinary messages in a few folders, with random gaps, flags and keywords: enough to kill a run in. */
final class KillCorpus {
  static final List<String> FOLDERS = List.of("INBOX", "Work", "Lists/Linux");
  private static final String[] KEYWORDS = {"$Forwarded", "$MDNSent", "Work", "Later", "$Label1"};

  private KillCorpus() {}

  static void write(Path root, int perFolder, long seed) {
    Random random = new Random(seed);
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    long uidValidity = 1_600_000_000L;
    for (String folder : FOLDERS) {
      Mailbox box = store.create(folder, uidValidity++, 1);
      long uid = 0;
      try (MailboxTransaction tx = box.begin()) {
        for (int i = 0; i < perFolder; i++) {
          uid += 1 + (random.nextInt(10) == 0 ? random.nextInt(5) : 0);
          Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
          for (SystemFlag f : SystemFlag.values()) {
            if (random.nextInt(3) == 0) {
              system.add(f);
            }
          }
          Flags flags = new Flags(system, Set.of());
          if (random.nextInt(4) == 0) {
            flags = flags.withKeywords(KEYWORDS[random.nextInt(KEYWORDS.length)]);
          }
          int size = 800 + (int) Math.min(200_000, Math.abs(random.nextGaussian()) * 9000);
          tx.add(MessageMeta.withUid(uid, Instant.ofEpochSecond(1_500_000_000L + random.nextInt(200_000_000)), flags),
              new ByteArrayInputStream(LegacyCorpus.sized(size, random.nextLong())));
        }
        tx.raiseNextUid(uid + 1 + random.nextInt(50));
        tx.commit();
      }
      store.setSubscribed(folder, true);
    }
  }
}
