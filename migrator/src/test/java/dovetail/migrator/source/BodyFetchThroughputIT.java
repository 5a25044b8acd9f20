package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, does not judge: a folder of small messages with a tail of large ones, fetched by the source
 * (metadata, then pipelined bodies) and by one raw {@code UID FETCH 1:* (UID FLAGS INTERNALDATE
 * BODY.PEEK[])}, the baseline of the migration benchmark. Prints MB/s and the ratio; asserts only
 * that both saw every byte.
 */
class BodyFetchThroughputIT {
  /** mail_prefetch_count as the migration guide sets it; -Ddovetail.bench.batch=N to try others. */
  private static final int BATCH = Integer.getInteger("dovetail.bench.batch", 20);
  /**
   * One round in the build, where only the bytes are checked; {@code -Ddovetail.bench.rounds=5} for figures,
   * as the first rounds warm up the JIT (the build spent 20 s on rounds nobody read).
   */
  private static final int ROUNDS = Integer.getInteger("dovetail.bench.rounds", 1);

  @TempDir
  Path tmp;

  @Test
  void againstGreenMail() {
    try (GreenMailFixture server = GreenMailFixture.imap()) {
      // GreenMail maps each UID of a set to a sequence number by scanning its message list, so a
      // UID set costs it O(folder size) per UID: it is no yardstick for speed. Small corpus, small batches.
      List<byte[]> corpus = corpus(1000, 0);
      try (RawImapClient raw = server.client()) {
        for (byte[] message : corpus) {
          raw.append("INBOX", "", null, message);
        }
      }
      measure("GreenMail", server, corpus);
    }
  }

  @Test
  void againstDovecot() {
    DovecotServer.assumeInstalled();
    List<byte[]> corpus = corpus(6000, 8);
    Path work = tmp.resolve("dovecot");
    // Written as files before Dovecot starts: 6,000 APPENDs took 18 s of the build.
    MailStore store = MaildirStore.open(DovecotServer.maildir(work, "alice"), StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    try (MailboxTransaction tx = store.open(MailStore.INBOX).begin()) {
      for (byte[] message : corpus) {
        tx.add(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE), new ByteArrayInputStream(message));
      }
      tx.commit();
    }
    try (DovecotFixture server = DovecotFixture.start(work)) {
      measure("Dovecot", server, corpus);
    }
  }

  /** Small messages (median about 8 KB), every so often one of 1-4 MB. */
  private static List<byte[]> corpus(int small, int large) {
    List<byte[]> corpus = new ArrayList<>();
    Random random = new Random(42);
    int step = large == 0 ? Integer.MAX_VALUE : (small + large) / large;
    for (int i = 0; i < small + large; i++) {
      int size = i % step == step - 1 ? (1 << 20) + random.nextInt(3 << 20) : 2000 + random.nextInt(12_000);
      corpus.add(Corpus.sized(size, i));
    }
    return corpus;
  }

  private static void measure(String name, LegacyServerFixture server, List<byte[]> corpus) {
    long total = corpus.stream().mapToLong(m -> m.length).sum();
    try (RawImapClient raw = server.client()) {
      double mb = total / 1e6;
      long[] bytes = new long[1];
      long bestRaw = Long.MAX_VALUE;
      long bestOurs = Long.MAX_VALUE;
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        Map<Long, byte[]> all = raw.fetchAllBodies("INBOX");
        long rawNanos = System.nanoTime() - t0;
        assertEquals(corpus.size(), all.size());

        t0 = System.nanoTime();
        bytes[0] = 0;
        try (LegacyImapSession session = LegacyImapSource.create(server.endpoint().build(),
            FetchLimits.defaults().withBatchMessages(BATCH)).open(server.user())) {
          List<Long> uids = new ArrayList<>();
          session.fetchMetadata("INBOX", 1).forEach(m -> uids.add(m.uid()));
          session.fetchBodies("INBOX", uids, new BodyConsumer() {
            private final byte[] buffer = new byte[64 * 1024];

            @Override
            public void accept(long uid, InputStream body) throws IOException {
              int n;
              while ((n = body.read(buffer)) > 0) {
                bytes[0] += n;
              }
            }

            @Override
            public void failed(long uid, String reason) {
              throw new AssertionError(uid + ": " + reason);
            }
          });
        }
        long ourNanos = System.nanoTime() - t0;
        bestRaw = Math.min(bestRaw, rawNanos);
        bestOurs = Math.min(bestOurs, ourNanos);
        System.out.printf("%s round %d: %d messages, %.1f MB; raw UID FETCH 1:* %.0f ms (%.0f MB/s); "
                + "source (metadata + bodies, batches of " + BATCH + ") %.0f ms (%.0f MB/s); ratio %.2f%n",
            name, round, corpus.size(), mb, rawNanos / 1e6, mb / (rawNanos / 1e9), ourNanos / 1e6,
            mb / (ourNanos / 1e9), (double) ourNanos / rawNanos);
      }
      assertEquals(total, bytes[0], "every byte arrived (these messages are CRLF-clean)");
      System.out.printf("%s best of %d: raw %.0f MB/s, source %.0f MB/s, ratio %.2f%n", name, ROUNDS,
          mb / (bestRaw / 1e9), mb / (bestOurs / 1e9), (double) bestOurs / bestRaw);
    }
  }
}
