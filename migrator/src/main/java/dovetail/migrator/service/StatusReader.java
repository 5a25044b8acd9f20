package dovetail.migrator.service;

import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.Progress;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import dovetail.store.StoredMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A user's {@link UserStatus}: the store's per-folder state, plus the live progress of the folders migrating now. */
final class StatusReader {
  private StatusReader() {}

  /**
   * @param unset the legacy folders the skeleton left unset, with why
   * @param running the migrations of this user in progress, by local folder
   */
  static UserStatus read(String user, MailStore store, boolean skeleton, Map<String, String> unset,
      Map<String, FolderRun> running) {
    List<FolderStatus> folders = new ArrayList<>();
    for (String name : store.listFolders()) {
      // A peek, not an open: status writes nothing, not even the uidlist a folder that an MDA filled lacks.
      store.peek(name).ifPresent(box -> folders.add(folder(box, running.get(name))));
    }
    return new UserStatus(user, skeleton, folders, unset);
  }

  static FolderStatus folder(MailboxPeek box, FolderRun run) {
    Map<String, String> state = box.dovetailState();
    Optional<FolderState> migration = FolderState.of(state);
    String name = migration.map(FolderState::configName).orElse(FolderStatus.LOCAL);
    long messages = 0;
    long bytes = 0;
    for (StoredMessage m : box.messages()) {
      messages++;
      bytes += m.virtualSize();
    }
    for (long size : box.unnumbered()) { // files the next writer numbers (an MDA's): mail in the folder all the same
      messages++;
      bytes += size;
    }
    long messagesTotal = number(state.get(ServiceState.LEGACY_MESSAGES));
    long bytesTotal = number(state.get(ServiceState.LEGACY_BYTES));
    if (migration.isEmpty() || migration.get() == FolderState.COMPLETE) {
      // Complete (or never migrated): nothing is left, whatever the totals said when it started.
      messagesTotal = messagesTotal < 0 ? messages : messagesTotal;
      bytesTotal = bytesTotal < 0 ? bytes : bytesTotal;
    }
    int skipped = (int) state.keySet().stream().filter(k -> k.startsWith(MigrationState.SKIPPED_PREFIX)).count();
    Optional<String> error = Optional.ofNullable(state.get(MigrationState.ERROR))
        .or(() -> Optional.ofNullable(state.get(MigrationState.FAILED_REASON)))
        .or(() -> Optional.ofNullable(state.get(LateMailState.ERROR)));
    double rate = 0;
    long eta = -1;
    Optional<Progress> live = run == null ? Optional.empty() : run.lastProgress();
    if (live.isPresent()) {
      name = FolderState.MIGRATING.configName();
      rate = live.get().messagesPerSecond();
      eta = live.get().folderEta().map(d -> d.toSeconds()).orElse(-1L);
    }
    Optional<Instant> checked;
    try {
      checked = Optional.ofNullable(state.get(LateMailState.CHECKED)).map(Instant::parse);
    } catch (DateTimeParseException e) {
      checked = Optional.empty();
    }
    long late = Math.max(0, number(state.get(LateMailState.MERGED)));
    return new FolderStatus(box.name(), name, messages, messagesTotal, bytes, bytesTotal, skipped, error, rate, eta,
        checked, late);
  }

  private static long number(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
