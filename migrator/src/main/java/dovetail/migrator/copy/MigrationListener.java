package dovetail.migrator.copy;

import java.time.Duration;

/**
 * What a migration reports while it runs. Called on the migrating thread; implementations must be quick
 * (a terminal printer throttles its own output). The engine itself never prints.
 */
public interface MigrationListener {
  MigrationListener NONE = new MigrationListener() {};

  /** The skeleton is in place: {@code folders} folders are still to be migrated in this run. */
  default void skeletonReady(SkeletonResult skeleton, int folders) {}

  /** A folder starts: how much is still to be copied (bytes from RFC822.SIZE; -1 when unknown). */
  default void folderStarted(String folder, long messages, long bytes) {}

  /** Copying progresses; counters are for the current folder and for the whole run. */
  default void progress(Progress progress) {}

  /** A folder's run ended. */
  default void folderFinished(FolderResult result) {}

  /** The legacy server failed or throttled; the run waits and reconnects. */
  default void retrying(String reason, Duration delay, int attempt) {}
}
