package dovetail.migrator.copy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The counters behind {@link Progress}: one per run, shared by the folders it migrates, possibly from
 * several threads. Every listener call is made under this object's lock, so listeners need not be
 * thread-safe.
 */
final class RunProgress {
  private final MigrationListener listener;
  private final Clock clock;
  private final Instant start;
  private int folderCount;
  private int folderIndex;
  private long runMessages;
  private long runBytes;

  RunProgress(MigrationListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
    this.start = clock.instant();
  }

  synchronized void folderCount(int count) {
    folderCount = count;
  }

  /** A folder starts; its counters report to this run. */
  synchronized Folder enterFolder(String name) {
    folderIndex++;
    folderCount = Math.max(folderCount, folderIndex);
    return new Folder(name, folderIndex, clock.instant());
  }

  synchronized void skeletonReady(SkeletonResult skeleton, int folders) {
    listener.skeletonReady(skeleton, folders);
  }

  synchronized void folderFinished(FolderResult result) {
    listener.folderFinished(result);
  }

  synchronized void retrying(String reason, Duration delay, int attempt) {
    listener.retrying(reason, delay, attempt);
  }

  synchronized long runMessages() {
    return runMessages;
  }

  synchronized long runBytes() {
    return runBytes;
  }

  Duration elapsed() {
    return Duration.between(start, clock.instant());
  }

  /** One folder's counters. */
  final class Folder {
    private final String name;
    private final int index;
    private final Instant folderStart;
    private long messagesTotal;
    private long bytesTotal;
    private long messagesDone;
    private long bytesDone;

    private Folder(String name, int index, Instant folderStart) {
      this.name = name;
      this.index = index;
      this.folderStart = folderStart;
    }

    /** What is left to copy (called again after a reconnect). */
    void planned(long messages, long bytes) {
      synchronized (RunProgress.this) {
        messagesTotal = messagesDone + messages;
        bytesTotal = bytes < 0 ? -1 : bytesDone + bytes;
        listener.folderStarted(name, messages, bytes);
      }
    }

    void added(long bytes) {
      synchronized (RunProgress.this) {
        messagesDone++;
        bytesDone += bytes;
        runMessages++;
        runBytes += bytes;
        Instant now = clock.instant();
        listener.progress(new Progress(name, index, folderCount, messagesDone, messagesTotal, bytesDone, bytesTotal,
            runMessages, runBytes, Duration.between(start, now), Duration.between(folderStart, now)));
      }
    }

    /** Messages counted by {@link #added} whose commit failed: they are copied again, and must not count twice. */
    void discarded(long messages, long bytes) {
      synchronized (RunProgress.this) {
        messagesDone -= messages;
        bytesDone -= bytes;
        runMessages -= messages;
        runBytes -= bytes;
      }
    }

    long messages() {
      synchronized (RunProgress.this) {
        return messagesDone;
      }
    }

    long bytes() {
      synchronized (RunProgress.this) {
        return bytesDone;
      }
    }
  }
}
