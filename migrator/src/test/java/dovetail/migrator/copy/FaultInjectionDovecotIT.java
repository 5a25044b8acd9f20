package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.FsyncMode;
import dovetail.migrator.copy.FaultProxy.Fault;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A misbehaving network between Dovetail and real Dovecot: connections cut at random byte offsets,
 * stalls, a slow drip, hang-ups after the greeting. Each run either completes or ends incomplete with a
 * reason (exit 2), and a later run completes; in the end the store holds exactly what the legacy server has.
 *
 * <p>The first {@link #faulty} connections misbehave, then the network is sound. A run that ends incomplete must
 * have met a fault, so the run after the last fault completes: at most {@code faulty + 1} runs, whatever the seed.
 * (Cuts on every connection, as low as byte 1, are not a schedule any run survives: a cut before a message's first
 * piece counts against that message. Cuts inside a large message's later pieces are survived: FlakyLinkDovecotIT.)
 *
 * <p>{@code -Dfault.seed=N} replays the proxy's offsets of a failure (the seed is in every failure message).
 */
class FaultInjectionDovecotIT {
  private static final List<String> FOLDERS = List.of("INBOX", "Work", "Lists/Linux", "Big");
  /** Connections that a cut at a random offset hits: enough to cut the skeleton, each folder and Big's chunks. */
  private static final int CUT_CONNECTIONS = 16;
  @TempDir static Path shared;
  private static DovecotServer legacy;
  private static Map<String, Views.FolderView> expected;

  @BeforeAll
  static void startLegacy() {
    legacy = DovecotLegacy.start(shared.resolve("legacy"), root -> {
      KillCorpus.write(root, 60, 21);
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      store.create("Big", 9, 1).append(MessageMeta.withUid(3, Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          LegacyCorpus.bigMessage(1_500_000, 5));
    }, "");
    expected = DovecotLegacy.views(legacy, DovecotLegacy.USER, DovecotLegacy.identity(FOLDERS));
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  /** How many connections, the first ones, misbehave; SLOW_DRIP is slow but correct and never fails a run. */
  private static int faulty(Fault fault) {
    return switch (fault) {
      case STALL, DISCONNECT_AFTER_GREETING -> 2;
      case CUT_AT_RANDOM_OFFSET -> CUT_CONNECTIONS;
      default -> 0;
    };
  }

  private static IntFunction<Fault> schedule(Fault fault) {
    return fault == Fault.SLOW_DRIP ? n -> fault : n -> n <= faulty(fault) ? fault : Fault.NONE;
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"CUT_AT_RANDOM_OFFSET", "STALL", "SLOW_DRIP", "DISCONNECT_AFTER_GREETING"})
  void theRunCompletesOrEndsWithAReasonAndALaterRunCompletes(Fault fault, @TempDir Path tmp) throws Exception {
    long seed = FaultProxy.seed();
    System.out.println(fault + ": seed " + seed);
    try {
      runs(fault, seed, tmp);
    } catch (AssertionError | Exception e) {
      // Every failure names the seed: without it a flake cannot be replayed.
      throw new AssertionError(fault + " (seed " + seed + ", replay with -Dfault.seed=" + seed + "): " + e.getMessage(), e);
    }
  }

  private static void runs(Fault fault, long seed, Path tmp) throws Exception {
    try (FaultProxy proxy = new FaultProxy(legacy.imapPort(), schedule(fault), 2_000_000, seed)) {
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), proxy.port(), "maildir:" + tmp + "/store/%n",
          "imapc_cmd_timeout = 2 secs", "mail_prefetch_count = 8", "dsync_commit_msgs_interval = 10");
      List<String> reasons = new ArrayList<>();
      UserResult r = null;
      int maxRuns = faulty(fault) + 1;
      for (int run = 1; run <= maxRuns; run++) {
        int struckBefore = proxy.struck();
        r = Backup.of(ConfigLoader.load(conf, List.of()), DovecotLegacy.USER, false, new ConnectionLimiter(2),
            Clock.systemUTC()).run(List.of(), MigrationListener.NONE);
        if (r.complete()) {
          break;
        }
        assertTrue(proxy.struck() > struckBefore, "run " + run + " ended incomplete without a fault: " + r);
        String reason = r.abortReason().orElse(r.incomplete().isEmpty() ? "" : r.incomplete().get(0).reason());
        assertTrue(reason.matches("(?s).*(unavailable|timed out|connection|BYE|dropped|closed|reset).*"),
            "run " + run + " ended without a usable reason: " + r);
        reasons.add(reason);
      }
      assertTrue(r.complete(), fault + ": not complete after " + maxRuns + " runs: " + reasons);
      MailStore store = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT);
      Map<String, Views.FolderView> migrated = new LinkedHashMap<>();
      for (String folder : FOLDERS) {
        migrated.put(folder, Views.store(store, folder));
      }
      Views.assertSame(expected, migrated);
      System.out.println(fault + ": " + proxy.connections() + " connections (" + proxy.struck() + " struck), "
          + (reasons.size() + 1) + " runs (seed "
          + seed + ")" + (reasons.isEmpty() ? "" : "; incomplete runs said: " + reasons));
    }
  }
}
