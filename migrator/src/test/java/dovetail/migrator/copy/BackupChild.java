package dovetail.migrator.copy;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup engine in a child JVM, for tests that kill it or limit its heap: it is assembled by
 * {@link Backup#of} from a configuration file exactly as the {@code backup} command does it.
 *
 * <p>Arguments: {@code CONF USER [--halt-after N] [-f FOLDER]...}. {@code --halt-after N} ends the JVM with
 * {@code Runtime.halt} (no shutdown hooks, no finally: the same as kill -9) right after the N-th message was
 * handed to the store. Output lines: {@code progress FOLDER N}, {@code folder FOLDER OUTCOME REASON},
 * {@code result complete|incomplete REASON peakHeapMiB=M}. Exit 0 when complete, 2 when not.
 */
public final class BackupChild {
  private BackupChild() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true);
    Path conf = Path.of(args[0]);
    String user = args[1];
    long haltAfter = Long.MAX_VALUE;
    List<String> folders = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--halt-after")) {
        haltAfter = Long.parseLong(args[++i]);
      } else if (args[i].equals("-f")) {
        folders.add(args[++i]);
      }
    }
    Settings settings = ConfigLoader.load(conf, List.of());
    Backup backup = Backup.of(settings, user, false,
        new ConnectionLimiter(settings.migration().maxConnectionsPerHost()), Clock.systemUTC());
    long limit = haltAfter;
    UserResult r = backup.run(folders, new MigrationListener() {
      private long added;

      @Override
      public void progress(Progress p) {
        out.println("progress " + p.folder() + " " + p.messagesDone());
        if (++added >= limit) {
          Runtime.getRuntime().halt(137);
        }
      }

      @Override
      public void folderFinished(FolderResult f) {
        out.println("folder " + f.folder() + " " + f.outcome() + " " + f.reason());
      }
    });
    String reason = r.abortReason().orElse(r.incomplete().isEmpty() ? String.join("; ", r.problems())
        : r.incomplete().get(0).reason());
    out.println("result " + (r.complete() ? "complete" : "incomplete") + " " + reason + " peakHeapMiB=" + peakHeapMiB());
    System.exit(r.complete() ? 0 : 2);
  }

  private static long peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
