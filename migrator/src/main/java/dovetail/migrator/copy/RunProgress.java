package dovetail.migrator.copy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The counters behind {@link Progress}: one per run, shared by the folders it migrates. */
final class RunProgress {
  private final MigrationListener listener;
  private final Clock clock;
  private final Instant start;
  private String folder = "";
  private int folderIndex;
  private int folderCount;
  private Instant folderStart;
  private long messagesTotal;
  private long bytesTotal;
  private long messagesDone;
  private long bytesDone;
  private long runMessages;
  private long runBytes;

  RunProgress(MigrationListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
    this.start = clock.instant();
    this.folderStart = start;
  }

  MigrationListener listener() {
    return listener;
  }

  void folderCount(int count) {
    folderCount = count;
  }

  void enterFolder(String name) {
    folder = name;
    folderIndex++;
    folderCount = Math.max(folderCount, folderIndex);
    folderStart = clock.instant();
    messagesTotal = bytesTotal = messagesDone = bytesDone = 0;
  }

  /** What is left to copy in the current folder (called again after a reconnect). */
  void planned(long messages, long bytes) {
    messagesTotal = messagesDone + messages;
    bytesTotal = bytes < 0 ? -1 : bytesDone + bytes;
    listener.folderStarted(folder, messages, bytes);
  }

  void added(long bytes) {
    messagesDone++;
    bytesDone += bytes;
    runMessages++;
    runBytes += bytes;
    listener.progress(snapshot());
  }

  long runMessages() {
    return runMessages;
  }

  long runBytes() {
    return runBytes;
  }

  long folderMessages() {
    return messagesDone;
  }

  long folderBytes() {
    return bytesDone;
  }

  Duration elapsed() {
    return Duration.between(start, clock.instant());
  }

  Progress snapshot() {
    Instant now = clock.instant();
    return new Progress(folder, folderIndex, folderCount, messagesDone, messagesTotal, bytesDone, bytesTotal,
        runMessages, runBytes, Duration.between(start, now), Duration.between(folderStart, now));
  }
}
