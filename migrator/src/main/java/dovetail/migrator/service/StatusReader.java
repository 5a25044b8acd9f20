package dovetail.migrator.service;

import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.copy.SkeletonState;
import dovetail.migrator.copy.StoredOrigins;
import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import dovetail.store.StoredMessage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/** A user's {@link UserStatus}: the store's per-folder state, plus the live progress of the folders migrating now. */
final class StatusReader {
  private StatusReader() {}

  /**
   * From the store: listed as INBOX's state records it ({@link SkeletonState#listed}), or when {@code listedHere}
   * says so (asked only if not: a question that may read the disk).
   */
  static UserStatus read(String user, MailStore store, BooleanSupplier listedHere,
      Function<String, FolderRun> running) {
    Map<String, String> inbox = store.peek(MailStore.INBOX).map(MailboxPeek::dovetailState).orElse(Map.of());
    return read(user, store, SkeletonState.listed(inbox) || listedHere.getAsBoolean(), SkeletonState.unset(inbox),
        running);
  }

  /**
   * @param listed whether the user's legacy folders were ever listed (a skeleton exists)
   * @param unset the legacy folders the skeleton left unset, with why
   * @param running the migration of this user's local folder in progress now, if any
   */
  static UserStatus read(String user, MailStore store, boolean listed, Map<String, String> unset,
      Function<String, FolderRun> running) {
    List<FolderStatus> folders = new ArrayList<>();
    for (String name : store.listFolders()) {
      // A peek, not an open: status writes nothing, not even the uidlist a folder that an MDA filled lacks.
      store.peek(name).ifPresent(box -> {
        FolderStatus f = folder(box, running);
        // Before the legacy folders were listed, one without a migration state is not known to be made here: the
        // INBOX a login or a delivery made while the legacy server could not be read is still to migrate
        // (walk-through 18, F6: shown "local", which says there is nothing to migrate).
        folders.add(!listed && f.state().equals(FolderStatus.LOCAL) ? f.beforeListing() : f);
      });
    }
    return new UserStatus(user, listed && unset.isEmpty(), folders, unset);
  }

  /**
   * The run is looked up after the state is read: a run is registered before it writes "migrating", so a folder read
   * as migrating has its run (runs listed before the states showed one that started meanwhile as partial,
   * walk-through 9, W7); one that ended meanwhile has written its end, which a second read finds.
   */
  static FolderStatus folder(MailboxPeek box, Function<String, FolderRun> running) {
    Map<String, String> state = box.dovetailState();
    FolderRun run = running.apply(box.name());
    if (run == null && FolderState.of(state).orElse(null) == FolderState.MIGRATING) {
      state = box.dovetailState();
    }
    return folder(box, state, run);
  }

  private static FolderStatus folder(MailboxPeek box, Map<String, String> state, FolderRun run) {
    Optional<FolderState> migration = FolderState.of(state);
    String name = migration.map(FolderState::configName).orElse(FolderStatus.LOCAL);
    long late = Math.max(0, MigrationState.number(state.get(LateMailState.MERGED)));
    // The migration's messages are the legacy copies below the legacy UIDNEXT of a completed migration (or moved above
    // it, for a UID another program took). Others' messages the state names are local; the rest above are late legacy
    // mail (counted apart, late_merged) and what others added since (deliveries, APPENDs, Dovecot's moved up there).
    long migratedUidNext = migration.isPresent() ? uidNext(state) : Long.MAX_VALUE;
    StoredOrigins origins = StoredOrigins.of(state);
    long messages = 0;
    long bytes = 0;
    long above = 0;
    long aboveBytes = 0;
    long local = 0;
    long localBytes = 0;
    for (StoredMessage m : box.messages()) {
      if (origins.migrated(m.uid(), migratedUidNext)) {
        messages++;
        bytes += m.virtualSize();
      } else if (origins.local(m.uid())) {
        local++;
        localBytes += m.virtualSize();
      } else {
        above++;
        aboveBytes += m.virtualSize();
      }
    }
    for (long size : box.unnumbered()) { // files the next writer numbers (an MDA's): mail in the folder all the same
      local++;
      localBytes += size;
    }
    // Late messages kept their legacy UIDs or moved up: either way above; the rest there is local (bytes: an estimate).
    // Not yet complete, nothing is above (the boundary is the highest UID).
    long aboveLocal = Math.max(0, above - late);
    long aboveLocalBytes = above == 0 ? 0 : aboveBytes * aboveLocal / above;
    local += aboveLocal;
    localBytes += aboveLocalBytes;
    messages += above - aboveLocal;
    bytes += aboveBytes - aboveLocalBytes;
    if (migration.isEmpty()) { // made here: every message is the folder's own
      messages += local;
      bytes += localBytes;
      local = 0;
      localBytes = 0;
    }
    long messagesTotal = MigrationState.number(state.get(ServiceState.LEGACY_MESSAGES));
    long bytesTotal = MigrationState.number(state.get(ServiceState.LEGACY_BYTES));
    int skipped = (int) state.keySet().stream().filter(k -> k.startsWith(MigrationState.SKIPPED_PREFIX)).count();
    long expunged = 0;
    if (migration.isPresent() && migration.get() == FolderState.COMPLETE) {
      // What the migration did, as counted when it completed: messages the user deleted here since are not missing.
      long migrated = MigrationState.number(state.get(ServiceState.MIGRATED_MESSAGES));
      long migratedBytes = MigrationState.number(state.get(ServiceState.MIGRATED_BYTES));
      long lateBytes = aboveBytes - aboveLocalBytes;
      if (migrated >= 0 && migratedBytes >= 0) {
        expunged = Math.max(0, migrated + late - messages);
        messages = migrated + late;
        bytes = migratedBytes + lateBytes;
        messagesTotal = migrated + skipped;
        bytesTotal = skipped == 0 ? migratedBytes : bytesTotal;
      } else if (messagesTotal >= 0 && messages < messagesTotal - skipped + late) {
        // Completed before that count was kept: the legacy total (less skipped, plus late mail) is what it did.
        expunged = messagesTotal - skipped + late - messages;
        messages = messagesTotal - skipped + late;
        bytes = skipped == 0 && bytesTotal >= 0 ? Math.max(bytes, bytesTotal + lateBytes) : bytes;
      }
    }
    if (migration.isEmpty() || migration.get() == FolderState.COMPLETE) {
      // Complete (or never migrated): nothing is left, whatever the totals said when it started.
      messagesTotal = messagesTotal < 0 ? messages : messagesTotal;
      bytesTotal = bytesTotal < 0 ? bytes : bytesTotal;
    }
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
    } else if (run == null && migration.orElse(null) == FolderState.MIGRATING) {
      // Recorded as migrating by a run that is not running here (stopped, killed): it stopped part-way, resumably.
      // (A backup in another process shows so too; its own output shows its progress.)
      name = FolderState.PARTIAL.configName();
    }
    Optional<Instant> checked;
    try {
      checked = Optional.ofNullable(state.get(LateMailState.CHECKED)).map(Instant::parse);
    } catch (DateTimeParseException e) {
      checked = Optional.empty();
    }
    long dropped = Math.max(0, MigrationState.number(state.get(MigrationState.FLAGS_DROPPED)));
    return new FolderStatus(box.name(), name, messages, messagesTotal, bytes, bytesTotal, skipped, error, rate, eta,
        checked, late, local, localBytes, expunged, dropped == 0 ? FolderStatus.DroppedFlags.NONE
            : new FolderStatus.DroppedFlags(dropped, state.getOrDefault(MigrationState.FLAGS_DROPPED_NAMES, "")));
  }

  /** The legacy UIDNEXT when the folder's migration completed; none (the highest) before. */
  static long uidNext(Map<String, String> state) {
    long n = MigrationState.number(state.get(LateMailState.MIGRATED_UIDNEXT));
    if (n < 0 && FolderState.of(state).orElse(null) == FolderState.COMPLETE) {
      // completed before the cut-over window recorded it
      n = MigrationState.number(state.get(MigrationState.LEGACY_UIDNEXT));
    }
    return n < 0 ? Long.MAX_VALUE : n;
  }

}
