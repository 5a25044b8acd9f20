package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.dovecot.DovecotServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
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
  private static final int ROUNDS = 5;

  @TempDir
  Path tmp;

  @Test
  void againstGreenMail() {
    try (GreenMailFixture server = GreenMailFixture.imap()) {
      // GreenMail maps each UID of a set to a sequence number by scanning its message list, so a
      // UID set costs it O(folder size) per UID: it is no yardstick for speed. Small corpus, small batches.
      measure("GreenMail", server, 1000, 0);
    }
  }

  @Test
  void againstDovecot() {
    DovecotServer.assumeInstalled();
    try (DovecotFixture server = DovecotFixture.start(tmp.resolve("dovecot"))) {
      measure("Dovecot", server, 6000, 8);
    }
  }

  private static void measure(String name, LegacyServerFixture server, int small, int large) {
    long total = 0;
    try (RawImapClient raw = server.client()) {
      Random random = new Random(42);
      int step = large == 0 ? Integer.MAX_VALUE : (small + large) / large;
      for (int i = 0; i < small + large; i++) {
        // Median about 8 KB, plus a tail of 1-4 MB messages.
        int size = i % step == step - 1 ? (1 << 20) + random.nextInt(3 << 20) : 2000 + random.nextInt(12_000);
        byte[] message = Corpus.sized(size, i);
        raw.append("INBOX", "", null, message);
        total += size;
      }
      double mb = total / 1e6;
      long[] bytes = new long[1];
      long bestRaw = Long.MAX_VALUE;
      long bestOurs = Long.MAX_VALUE;
      for (int round = 0; round < ROUNDS; round++) { // the first rounds warm up the JIT
        long t0 = System.nanoTime();
        Map<Long, byte[]> all = raw.fetchAllBodies("INBOX");
        long rawNanos = System.nanoTime() - t0;
        assertEquals(small + large, all.size());

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
            name, round, small + large, mb, rawNanos / 1e6, mb / (rawNanos / 1e9), ourNanos / 1e6,
            mb / (ourNanos / 1e9), (double) ourNanos / rawNanos);
      }
      assertEquals(total, bytes[0], "every byte arrived (these messages are CRLF-clean)");
      System.out.printf("%s best of %d: raw %.0f MB/s, source %.0f MB/s, ratio %.2f%n", name, ROUNDS,
          mb / (bestRaw / 1e9), mb / (bestOurs / 1e9), (double) bestOurs / bestRaw);
    }
  }
}
