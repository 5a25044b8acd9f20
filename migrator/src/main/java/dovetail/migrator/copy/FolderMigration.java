package dovetail.migrator.copy;

import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.BodyConsumer;
import dovetail.migrator.source.FolderSnapshot;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.Mailbox;
import dovetail.store.MailboxStatus;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder, one algorithm (DESIGN, "Migration semantics"): EXAMINE the legacy folder; refuse to go on
 * if its UIDVALIDITY is not the one the local folder was created with; fetch the metadata of every
 * message; bring what an earlier run copied up to date with the legacy expunges and flags ({@link EarlierCopies});
 * copy every message above the last UID the migration recorded as committed (the resume point; not the store's next
 * UID, which another program writing the folder moves too: see {@link ForeignWrites}): fetch the
 * bodies in pipelined batches and stream each into the store under its legacy UID, flags, keywords and
 * INTERNALDATE; commit every {@code dsync_commit_msgs_interval} messages, recording the last UID of each
 * commit; finish with NEXTUID = the legacy UIDNEXT and state {@code complete}, recording the legacy UIDNEXT
 * and HIGHESTMODSEQ.
 *
 * <p><b>Another writer.</b> A legacy UID whose local UID another program (a Dovecot on the same store) took
 * meanwhile never completes the folder silently: it fails, naming the UIDs, until an operator runs it again
 * (see {@link ForeignWrites}).
 *
 * <p><b>Undeliverable messages.</b> A message the source will not deliver (NO, missing from the reply,
 * NIL, broken mid-way, the connection dropped twice on it, or, with the empty-header workaround, empty
 * twice) is fetched once more on its own. If it still fails, the folder <em>stops</em> there: what came
 * before is committed, the folder becomes {@code partial} with {@code migration.failed.uid} and
 * {@code .reason}, and the next run starts again at that very message. Going on past it would commit
 * higher UIDs, and a store never takes a UID below its next UID: the message could then never be copied
 * under its own UID. Only with {@link MigrationOptions#skipUndeliverable()} (the operator's consent) is
 * such a message given up, recorded as {@code migration.skipped.<uid>}, and the folder completed without
 * it. A message that was expunged on the legacy side meanwhile is simply gone, not undeliverable.
 *
 * <p><b>Exact copy.</b> The stored bytes are the bytes served; when RFC822.SIZE disagrees, the bytes win
 * and a warning is logged.
 *
 * <p>One instance serves one folder for one run; {@link #run} may be called again with a new session after
 * it threw UNAVAILABLE or THROTTLED, and remembers which message the connection died on.
 */
public final class FolderMigration {
  private static final Logger LOG = LoggerFactory.getLogger(FolderMigration.class);
  /** How often one run sorts the folder out again after another program took a UID it was about to commit. */
  private static final int MAX_PLANS = 10;

  private final Mailbox mailbox;
  private final MigrationOptions options;
  private final RunProgress.Folder progress;
  private final Clock clock;
  private final Map<Long, Integer> connectionDeaths = new HashMap<>();
  /** UIDs on which a connection died by being closed, not by silence: the words differ (an operator looks elsewhere). */
  private final Set<Long> droppedOn = new HashSet<>();
  private final List<Undeliverable> skipped = new ArrayList<>();
  private boolean sessionBroken;
  private MessageFlags flags;
  /** How many of flags.dropped() the folder's state already counts. */
  private long recordedDrops;
  private Map<Long, Pop3Uidls.Uidl> uidls = Map.of();
  private final ForeignWrites foreign;
  /** What this run moved to new UIDs (ForeignWrites), for the result's warnings. */
  private final List<String> notes = new ArrayList<>();
  /** Messages and bytes counted in the progress since the last commit. */
  private long uncommittedMessages;
  private long uncommittedBytes;
  /** Set once the folder's COMPLETE state is written (which drops the commit record). */
  private boolean completed;

  public FolderMigration(Mailbox mailbox, MigrationOptions options, MigrationListener listener, Clock clock) {
    this(mailbox, options, new RunProgress(listener, clock).enterFolder(mailbox.name()), clock);
  }

  FolderMigration(Mailbox mailbox, MigrationOptions options, RunProgress.Folder progress, Clock clock) {
    this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
    this.options = Objects.requireNonNull(options, "options");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.foreign = new ForeignWrites(mailbox, options.pop3UidlFormat(), updates -> {
      Map<String, String> all = new HashMap<>(updates);
      all.put(MigrationState.UPDATED, clock.instant().toString());
      mailbox.updateDovetailState(s -> MigrationState.merge(s, all));
    });
  }

  /**
   * Whether the session given to the last {@link #run} must not be used again (it returned normally but
   * the connection died, or the server answered something unusable).
   */
  public boolean sessionBroken() {
    return sessionBroken;
  }

  /**
   * Migrates the folder, or what is left of it.
   *
   * @return COMPLETE, PARTIAL (stopped at an undeliverable message, or a store failure) or FAILED (the
   *     legacy UIDVALIDITY changed, the legacy folder is gone)
   * @throws LegacyException UNAVAILABLE or THROTTLED: what arrived whole is committed; call again with a
   *     new session
   */
  public FolderResult run(LegacyImapSession session) {
    // One migration of a folder at a time, also across processes: a backup beside serve took each other's copies for
    // another program's mail and renumbered the folder (walk-through 17, F8). The one that waited finds it complete.
    try (Mailbox.Hold held = mailbox.holdForMigration(() -> LOG.info(
        "{}: another process migrates this folder (a backup beside serve?); waiting for it", mailbox.name()))) {
      return runHeld(session);
    }
  }

  private FolderResult runHeld(LegacyImapSession session) {
    sessionBroken = false;
    String name = mailbox.name();
    Map<String, String> state = mailbox.dovetailState();
    FolderState current = FolderState.of(state).orElseThrow(() -> new IllegalStateException(
        "folder " + name + " has no migration state: the user's skeleton must be built first"));
    if (current == FolderState.COMPLETE) {
      return result(Outcome.COMPLETE, "");
    }
    String legacyName = state.get(MigrationState.LEGACY_NAME);
    long expected = parseLong(state.get(MigrationState.LEGACY_UIDVALIDITY));
    if (legacyName == null || expected <= 0) {
      return fail("its migration state lacks the legacy name or UIDVALIDITY; it cannot be matched to a legacy folder");
    }
    try {
      Optional<String> namespace = session.otherUsersOrSharedNamespace(legacyName);
      if (namespace.isPresent()) {
        // Set up by a build from before such folders were left out (walk-through 17, F1): not the user's mail.
        return fail("the legacy folder '" + legacyName + "' is in the " + namespace.get() + " namespace: another user's"
            + " or a shared folder, not the user's own, so it is not migrated (a Dovetail build from before 2026-11-27"
            + " set it up). Nothing more is copied into it; delete this folder here (a client's DELETE, or move it out"
            + " of the store" + holding() + ")");
      }
      return copyFolder(session, legacyName, expected);
    } catch (LegacyException e) {
      switch (e.kind()) {
        case UNAVAILABLE, THROTTLED -> {
          sessionBroken = true;
          writeState(FolderState.PARTIAL, Map.of(MigrationState.ERROR, MigrationState.oneLine(e.getMessage())));
          throw e;
        }
        case UIDVALIDITY_CHANGED -> {
          sessionBroken = true;
          return fail("the legacy UIDVALIDITY of '" + legacyName + "' changed during the migration; nothing was mixed: "
              + e.getMessage());
        }
        case FOLDER_NOT_FOUND -> {
          return fail("the legacy folder '" + legacyName + "' no longer exists: " + withoutEndStop(e.getMessage())
              + ". If it was deleted or renamed there, delete this folder (a client's DELETE, or move it out of the store"
              + holding() + "), then run `dovetail migrate -u USER`, which sets up a renamed folder under its new name");
        }
        case FOLDER_REFUSED -> {
          return partial(null, "the legacy server would not open '" + legacyName + "' now: " + e.getMessage());
        }
        default -> {
          sessionBroken = true;
          return partial(null, "legacy server: " + e.getMessage());
        }
      }
    } catch (StoreException e) {
      return partial(null, "store: " + e.getMessage());
    }
  }

  private FolderResult copyFolder(LegacyImapSession session, String legacyName, long setUpUnder) {
    FolderSnapshot snapshot = session.examine(legacyName);
    long expected = setUpUnder;
    if (snapshot.uidValidity() != expected && snapshot.messageCount() > 0 && nothingCopied()) {
      // No UID of the old value is in the store (and no client saw this folder: it is served once migrated), so the
      // new value is taken as the skeleton would take it now. Courier without a UID database gives a new value in
      // every session (a folder read over POP3 only); a folder made again on the legacy server since its skeleton.
      LOG.warn("{}: the legacy folder '{}' has UIDVALIDITY {}, {} when it was set up, and nothing of it is copied yet:"
          + " migrating it under {}. {}", mailbox.name(), legacyName, snapshot.uidValidity(), expected,
          snapshot.uidValidity(), NEW_UIDVALIDITY_EVERY_SESSION);
      expected = snapshot.uidValidity();
      Map<String, String> adopted = new HashMap<>();
      adopted.put(MigrationState.LEGACY_UIDVALIDITY, Long.toString(expected));
      adopted.put(MigrationState.SETUP_UIDNEXT, Long.toString(snapshot.uidNext()));
      mailbox.updateDovetailState(s -> MigrationState.merge(ForeignWrites.withoutRecords(s), adopted));
    }
    boolean migratedEmpty = false;
    if (snapshot.uidValidity() != expected) {
      long setUpUidNext = parseLong(mailbox.dovetailState().get(MigrationState.SETUP_UIDNEXT));
      if (setUpUidNext <= 0 || !emptyOnBothSides(snapshot)) {
        return fail(uidValidityChanged(legacyName, mailbox.name(), expected, snapshot.uidValidity()));
      }
      // Courier gives an empty folder that has no UID database yet a new UIDVALIDITY in every session (walk-through
      // 15): no message is at stake, so it is kept as the skeleton set it, and no UID that value gave out before the
      // skeleton is given out again here (review 18: a folder emptied and made again on the legacy server).
      LOG.info("{}: the legacy folder '{}' is empty and its UIDVALIDITY changed from {} to {}: migrated empty, under {}",
          mailbox.name(), legacyName, expected, snapshot.uidValidity(), expected);
      mailbox.raiseNextUid(setUpUidNext);
      migratedEmpty = true;
    }
    // A no-op raise takes the folder's write lock, and whoever takes it first settles a commit that a kill
    // cut short (MaildirFolder#settleRecordsWithoutFiles).
    mailbox.raiseNextUid(1);
    MailboxStatus local = mailbox.status();
    if (local.uidValidity() != expected && nothingCopied()) {
      // Adopted above (or by a run that a kill stopped before this line), or an empty folder made again locally.
      mailbox.replaceUidValidityOfEmpty(expected);
      local = mailbox.status();
    }
    if (local.uidValidity() != expected) {
      return fail("the local folder has UIDVALIDITY " + local.uidValidity() + " but was set up for the legacy UIDVALIDITY "
          + expected + ": it was recreated outside the migration. " + migrateAgain(mailbox.name()));
    }
    // Only an operator runs a failed folder again (migrate, backup; never the sweeper or a client): for a folder that
    // failed because another program took legacy UIDs, that run is the consent to give them new UIDs.
    boolean operatorRetry = FolderState.of(mailbox.dovetailState()).orElse(null) == FolderState.FAILED;
    Set<Long> given = new HashSet<>(skippedUids());
    Map<String, String> starting = new HashMap<>();
    starting.put(MigrationState.ERROR, null);
    starting.put(MigrationState.FAILED_UID, null);
    starting.put(MigrationState.FAILED_REASON, null);
    writeState(FolderState.MIGRATING, starting);
    if (operatorRetry) {
      foreign.consent();
    }
    foreign.settle(session, legacyName);

    // Resume point: what this migration recorded as committed, not the store's next UID, which another program
    // writing the folder moves too (ForeignWrites).
    long committedAtStart = foreign.committed();
    // From UID 1 in one command: a resumed run also compares what an earlier run copied (EarlierCopies).
    List<LegacyMessageInfo> whole = session.fetchMetadata(legacyName, 1);
    List<LegacyMessageInfo> earlier = new ArrayList<>();
    List<LegacyMessageInfo> legacy = new ArrayList<>();
    whole.forEach(m -> (m.uid() <= committedAtStart ? earlier : legacy).add(m));
    if (migratedEmpty && !legacy.isEmpty()) { // mail came between the EXAMINE and the fetch: its UIDs are not ours
      return fail(uidValidityChanged(legacyName, mailbox.name(), expected, snapshot.uidValidity()));
    }
    // Then every message the legacy folder gets later is late mail, even under a new UIDVALIDITY (LateMailUidValidity).
    boolean nothingFromLegacy = legacy.isEmpty() && given.isEmpty() && emptyOnBothSides(snapshot);
    legacy.removeIf(m -> given.contains(m.uid()));
    legacy.stream().filter(m -> m.duplicates() > 0).forEach(this::skipDuplicates);
    Set<Long> legacyUids = new HashSet<>();
    legacy.forEach(m -> legacyUids.add(m.uid()));
    long highestUid = legacy.isEmpty() ? 0 : legacy.get(legacy.size() - 1).uid();
    // One listing of what is here serves the keywords in use and the earlier run's copies (a resumed folder).
    boolean keywordsNeeded = flags == null && local.messages() > 0;
    List<StoredMessage> stored = keywordsNeeded || committedAtStart > 0 ? mailbox.messages() : List.of();
    if (flags == null) {
      flags = new MessageFlags(mailbox.name(), keywordsOf(stored));
    }
    if (committedAtStart > 0) {
      EarlierCopies.update(mailbox, stored, committedAtStart, earlier, whole.size() >= snapshot.messageCount(),
          foreign.notLegacyCopies(), flags);
    }
    if (options.pop3Uidls().appliesTo(mailbox.name()) && (!legacy.isEmpty() || !foreign.taken().isEmpty())) {
      // POP3 matching needs the whole maildrop, also what an earlier run committed.
      try {
        uidls = options.pop3Uidls().assign(session, legacyName, whole);
      } catch (Pop3Uidls.MismatchException e) {
        return fail("POP3 UIDLs: " + e.getMessage());
      }
    }

    Undeliverable stop;
    for (int plans = 1; ; plans++) {
      List<LegacyMessageInfo> todo = foreign.plan(session, legacyName, legacy);
      long consented = foreign.consented(); // copied under new UIDs at the end, sizes unknown here
      progress.planned(todo.size() + consented, consented > 0 ? -1 : plannedBytes(todo));
      try (Committer committer = new Committer(mailbox, options.commitInterval(), this::committed)) {
        try {
          stop = copyMessages(session, legacyName, new ArrayDeque<>(todo), committer);
        } catch (LegacyException e) {
          committer.commit(); // what was added before the failure is kept
          stop = diedOn(e);
          if (stop == null || options.skipUndeliverable()) {
            if (stop != null) {
              skip(stop);
            }
            throw e;
          }
          sessionBroken = true;
        } catch (StoreException e) {
          commitQuietly(committer, e);
          progress.discarded(uncommittedMessages, uncommittedBytes); // they are copied again, or taken
          uncommittedMessages = 0;
          uncommittedBytes = 0;
          if (e.error() == StoreError.UID_CONFLICT && plans < MAX_PLANS) {
            // Another program stored a message under a UID this commit needed: sort the folder out again.
            LOG.warn("{}: {}; another program writes the folder: planning the rest again", mailbox.name(), e.getMessage());
            continue;
          }
          throw e;
        }
        if (stop != null) {
          committer.commit();
          Map<String, String> updates = new HashMap<>();
          updates.put(MigrationState.FAILED_UID, Long.toString(stop.uid()));
          updates.put(MigrationState.FAILED_REASON, MigrationState.oneLine(stop.reason()));
          return partial(stop, "stopped at UID " + stop.uid() + ", which the legacy server did not deliver ("
              + stop.reason() + "); the next run retries it", updates);
        }
        long nextUid = Math.max(snapshot.uidNext(), highestUid + 1);
        Set<Long> taken = foreign.unconsented(session, legacyName);
        if (!taken.isEmpty()) {
          committer.commit();
          return fail(foreign.reason(taken, nextUid));
        }
        // NEXTUID = the legacy UIDNEXT, in the same commit as the last messages.
        boolean lateWriters = committer.finish(nextUid);
        notes.addAll(foreign.resolve(session, legacyName, nextUid, committedAtStart, lateWriters, legacyUids, flags, uidls,
            progress::added));
        Map<String, String> updates = new HashMap<>();
        updates.put(MigrationState.LEGACY_UIDNEXT, Long.toString(nextUid));
        updates.put(LateMailState.MIGRATED_UIDNEXT, Long.toString(nextUid));
        updates.put(LateMailState.MIGRATED_EMPTY, Boolean.toString(nothingFromLegacy));
        updates.put(MigrationState.LEGACY_HIGHESTMODSEQ, Long.toString(snapshot.highestModSeq()));
        updates.put(ForeignWrites.COMMITTED, null);
        updates.putAll(foreign.foreignRecordsToClear());
        writeState(FolderState.COMPLETE, updates);
        completed = true;
        return result(Outcome.COMPLETE, "");
      } finally {
        if (!completed) {
          foreign.recordCommitted(); // a stop, a failure or a new plan: the next run resumes right after this one
        }
      }
    }
  }

  /** Streams the queued messages into the store; returns the message it stopped at, or null when done. */
  private Undeliverable copyMessages(LegacyImapSession session, String legacyName, Deque<LegacyMessageInfo> queue,
      Committer committer) {
    while (!queue.isEmpty()) {
      List<Long> uids = queue.stream().map(LegacyMessageInfo::uid).toList();
      Interrupt interrupt = null;
      try {
        session.fetchBodies(legacyName, uids, new Consumer(queue, committer));
      } catch (Interrupt i) {
        interrupt = i;
      }
      if (interrupt == null) {
        if (!queue.isEmpty()) {
          throw new LegacyException(Kind.PROTOCOL, "the source handed over no body for UID " + queue.peek().uid());
        }
        return null;
      }
      LegacyMessageInfo info = queue.peek();
      String failure = fetchAlone(session, legacyName, info, committer, interrupt.getMessage());
      if (failure == null) {
        queue.poll();
        continue;
      }
      if (!stillOnLegacy(session, legacyName, info.uid())) {
        LOG.info("{}: UID {} was expunged on the legacy server meanwhile; nothing to copy", mailbox.name(), info.uid());
        queue.poll();
        continue;
      }
      Undeliverable u = new Undeliverable(info.uid(), failure);
      LOG.warn("{}: legacy UID {} could not be fetched twice: {}", mailbox.name(), info.uid(), failure);
      if (!options.skipUndeliverable()) {
        return u;
      }
      skip(u);
      queue.poll();
    }
    return null;
  }

  /** Receives the pipelined bodies: the queue's head is always the next expected UID. */
  private final class Consumer implements BodyConsumer {
    private final Deque<LegacyMessageInfo> queue;
    private final Committer committer;

    Consumer(Deque<LegacyMessageInfo> queue, Committer committer) {
      this.queue = queue;
      this.committer = committer;
    }

    @Override
    public void accept(long uid, InputStream body) throws java.io.IOException {
      LegacyMessageInfo info = head(uid);
      SourceStream in = new SourceStream(body);
      if (options.emptyHeaderWorkaround() && info.rfc822Size() > 0) {
        in.peek();
        if (in.noHeader()) {
          throw new Interrupt("the server sent " + (in.peek() == 0 ? "an empty body" : "a body without header")
              + " although RFC822.SIZE is " + info.rfc822Size());
        }
      }
      committer.add(meta(info), in);
      queue.poll();
      added(info, in.count());
      settledIfCommitted(committer);
    }

    /** A body that arrived whole goes to the store as an array, which the store writes in one piece. */
    @Override
    public void acceptWhole(long uid, byte[] data, int offset, int length) {
      LegacyMessageInfo info = head(uid);
      if (options.emptyHeaderWorkaround() && info.rfc822Size() > 0 && noHeader(data, offset, length)) {
        throw new Interrupt("the server sent " + (length == 0 ? "an empty body" : "a body without header")
            + " although RFC822.SIZE is " + info.rfc822Size());
      }
      committer.add(meta(info), new ByteArrayInputStream(data, offset, length));
      queue.poll();
      added(info, length);
      settledIfCommitted(committer);
    }

    @Override
    public void failed(long uid, String reason) {
      head(uid);
      throw new Interrupt(reason);
    }

    private LegacyMessageInfo head(long uid) {
      LegacyMessageInfo info = queue.peek();
      if (info == null || info.uid() != uid) {
        throw new IllegalStateException("the source handed over UID " + uid + " where UID "
            + (info == null ? "none" : info.uid()) + " was due");
      }
      return info;
    }
  }

  /**
   * The second attempt for one message, on its own and in its own transaction, so that a body the
   * empty-header workaround rejects can be thrown away. Returns null when stored, else why not.
   */
  private String fetchAlone(LegacyImapSession session, String legacyName, LegacyMessageInfo info,
      Committer committer, String firstFailure) {
    committer.commit();
    String[] failure = {null};
    long[] length = {-1};
    boolean[] noHeader = {false};
    boolean othersMayHaveWritten;
    try (MailboxTransaction one = mailbox.begin()) {
      session.fetchBodies(legacyName, List.of(info.uid()), new BodyConsumer() {
        @Override
        public void accept(long uid, InputStream body) throws java.io.IOException {
          SourceStream in = new SourceStream(body);
          in.peek();
          noHeader[0] = in.noHeader();
          one.add(meta(info), in);
          length[0] = in.count();
        }

        @Override
        public void failed(long uid, String reason) {
          failure[0] = reason;
        }
      });
      if (failure[0] != null) {
        return failure[0] + " (first attempt: " + firstFailure + ")";
      }
      if (length[0] < 0) {
        return "no body on the second attempt (first attempt: " + firstFailure + ")";
      }
      if (options.emptyHeaderWorkaround() && noHeader[0] && info.rfc822Size() > 0 && length[0] != info.rfc822Size()) {
        return "empty-header-workaround: twice " + (length[0] == 0 ? "an empty body" : length[0] + " bytes without header")
            + " although RFC822.SIZE is " + info.rfc822Size();
      }
      one.commit();
      othersMayHaveWritten = one.othersMayHaveWritten();
    }
    added(info, length[0]);
    committed(info.uid(), info.uid(), othersMayHaveWritten);
    return null;
  }

  /** As {@link SourceStream#noHeader}: empty, or starting with a blank line. */
  private static boolean noHeader(byte[] data, int offset, int length) {
    return length == 0 || data[offset] == '\n' || (length >= 2 && data[offset] == '\r' && data[offset + 1] == '\n');
  }

  private void added(LegacyMessageInfo info, long bytes) {
    if (info.rfc822Size() >= 0 && info.rfc822Size() != bytes) {
      LOG.warn("{}: legacy UID {}: RFC822.SIZE is {} but the server sent {} bytes; the bytes are stored as sent",
          mailbox.name(), info.uid(), info.rfc822Size(), bytes);
    }
    progress.added(bytes);
    uncommittedMessages++;
    uncommittedBytes += bytes;
  }

  /** After each commit of messages {@code first..last}. */
  private void committed(long first, long last, boolean othersMayHaveWritten) {
    foreign.committed(first, last, othersMayHaveWritten);
    uncommittedMessages = 0;
    uncommittedBytes = 0;
  }

  /** An add that filled the interval committed the message it added as well, which was counted only after. */
  private void settledIfCommitted(Committer committer) {
    if (committer.pending() == 0) {
      uncommittedMessages = 0;
      uncommittedBytes = 0;
    }
  }

  /** Whether the legacy server still has the message (it may have been expunged since the metadata). */
  private boolean stillOnLegacy(LegacyImapSession session, String legacyName, long uid) {
    List<LegacyMessageInfo> from = session.fetchMetadata(legacyName, uid);
    return !from.isEmpty() && from.get(0).uid() == uid;
  }

  /**
   * The connection died. A server that drops it on one message (Dovecot does, for a file it cannot read)
   * does so again: the second death on the same UID makes that message undeliverable.
   */
  private Undeliverable diedOn(LegacyException e) {
    if (!RetryPolicy.retryable(e) || e.messageUid().isEmpty()) {
      return null;
    }
    long uid = e.messageUid().getAsLong();
    int deaths = connectionDeaths.merge(uid, 1, Integer::sum);
    boolean droppedBefore = droppedOn.contains(uid);
    if (!e.stoppedAnswering()) {
      droppedOn.add(uid);
    }
    if (deaths < 2) {
      return null;
    }
    String how = !e.stoppedAnswering() && droppedBefore ? "dropped the connection twice"
        : e.stoppedAnswering() && !droppedBefore ? "stopped answering twice (imapc_cmd_timeout)"
        : "dropped the connection once and stopped answering once (imapc_cmd_timeout)";
    return new Undeliverable(uid, "the legacy server " + how + " while sending it: " + e.getMessage());
  }

  private MessageMeta meta(LegacyMessageInfo info) {
    MessageMeta meta = MessageMeta.withUid(info.uid(), info.internalDate(), flags.of(info));
    Pop3Uidls.Uidl uidl = uidls.get(info.uid());
    return uidl == null ? meta : meta.withPop3(uidl.uidl(), uidl.order());
  }

  private static Set<String> keywordsOf(List<StoredMessage> stored) {
    Set<String> keywords = new HashSet<>();
    for (StoredMessage m : stored) {
      keywords.addAll(m.flags().keywords());
    }
    return keywords;
  }

  private static long plannedBytes(List<LegacyMessageInfo> todo) {
    long sum = 0;
    for (LegacyMessageInfo m : todo) {
      if (m.rfc822Size() < 0) {
        return -1;
      }
      sum += m.rfc822Size();
    }
    return sum;
  }

  private void skip(Undeliverable u) {
    skipped.add(u);
    writeState(FolderState.MIGRATING, Map.of(MigrationState.SKIPPED_PREFIX + u.uid(), MigrationState.oneLine(u.reason())));
    LOG.warn("{}: legacy UID {} given up (skip undeliverable): {}", mailbox.name(), u.uid(), u.reason());
  }

  /**
   * A broken legacy server listed other messages under this UID: only one message can have it here, and the first
   * listed is copied (its body too: {@code FetchInbox} keeps the first). The others are recorded as skipped, which
   * status counts and backup names, whatever skip_undeliverable says: no retry can deliver them under their UID.
   * Its key is not a bare UID, so the UID itself is still copied by a later run if this one stops before it.
   */
  private void skipDuplicates(LegacyMessageInfo m) {
    Undeliverable u = new Undeliverable(m.uid(), "the legacy server lists " + (m.duplicates() + 1)
        + " different messages under this UID; the first one is copied, " + m.duplicates() + " skipped");
    skipped.add(u);
    Map<String, String> keys = new HashMap<>();
    for (int n = 1; n <= m.duplicates(); n++) {
      keys.put(MigrationState.SKIPPED_PREFIX + m.uid() + MigrationState.DUPLICATE_INFIX + n,
          MigrationState.oneLine(u.reason()));
    }
    writeState(FolderState.MIGRATING, keys);
    LOG.warn("{}: legacy UID {}: {}", mailbox.name(), m.uid(), u.reason());
  }

  private List<Long> skippedUids() {
    List<Long> uids = new ArrayList<>();
    for (String key : mailbox.dovetailState().keySet()) {
      if (key.startsWith(MigrationState.SKIPPED_PREFIX)) {
        long uid = parseLong(key.substring(MigrationState.SKIPPED_PREFIX.length()));
        if (uid > 0) {
          uids.add(uid);
        }
      }
    }
    return uids;
  }

  /** Nothing of the legacy folder is in the store: no message, no commit recorded, no message given up. */
  private boolean nothingCopied() {
    return foreign.committed() <= 0 && mailbox.status().messages() == 0 && skippedUids().isEmpty();
  }

  /** Nothing on the legacy side, and nothing copied nor stored here: no UID is at stake. */
  private boolean emptyOnBothSides(FolderSnapshot legacy) {
    return legacy.messageCount() == 0 && foreign.committed() <= 0 && mailbox.status().messages() == 0;
  }

  /** For a refusal because the legacy UIDVALIDITY changed: the one cause the operator can remove by a setting. */
  public static final String NEW_UIDVALIDITY_EVERY_SESSION = "If the legacy server shows a new UIDVALIDITY in every"
      + " session (Courier, for a folder no client ever opened read-write), it must be read with SELECT (imapc_features ="
      + " no-examine; on by itself for a server that greets as Courier-IMAP), and a folder migrated without it is"
      + " migrated again: move it out of the store, then run `dovetail migrate -u USER -f FOLDER`";

  static String uidValidityChanged(String legacyName, String local, long expected, long now) {
    return "the legacy UIDVALIDITY of '" + legacyName + "' changed from " + expected + " to " + now
        + ": its UIDs are not the ones this folder holds, so nothing was copied or mixed. " + migrateAgain(local)
        + ". " + NEW_UIDVALIDITY_EVERY_SESSION;
  }

  /** What the operator does to migrate a folder afresh (the running server sets it up again only when asked to). */
  private static String migrateAgain(String local) {
    return "To migrate it afresh, move the local folder out of the store (or delete it), then run"
        + " `dovetail migrate -u USER -f '" + local + "'` (offline: `dovetail backup -u USER -f '" + local + "'`)";
  }

  /** A server's text ends with its own full stop, which ours would double. */
  private static String withoutEndStop(String text) {
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  /** "; it holds N messages", or nothing when the store cannot say (this is a failure's text, which must not fail). */
  private String holding() {
    try {
      return "; it holds " + mailbox.status().messages() + " messages";
    } catch (StoreException e) {
      return "";
    }
  }

  private FolderResult fail(String reason) {
    LOG.error("{}: migration stopped: {}", mailbox.name(), reason);
    writeState(FolderState.FAILED, Map.of(MigrationState.ERROR, MigrationState.oneLine(reason)));
    return result(Outcome.FAILED, reason);
  }

  private FolderResult partial(Undeliverable stop, String reason) {
    return partial(stop, reason, new HashMap<>());
  }

  private FolderResult partial(Undeliverable stop, String reason, Map<String, String> updates) {
    Map<String, String> all = new HashMap<>(updates);
    all.put(MigrationState.ERROR, MigrationState.oneLine(reason));
    try {
      writeState(FolderState.PARTIAL, all);
    } catch (StoreException e) {
      LOG.warn("{}: cannot record the partial state: {}", mailbox.name(), e.getMessage());
    }
    List<Undeliverable> list = new ArrayList<>(skipped);
    if (stop != null) {
      list.add(stop);
    }
    return new FolderResult(mailbox.name(), Outcome.PARTIAL, progress.messages(), progress.bytes(), list,
        reason);
  }

  private FolderResult result(Outcome outcome, String reason) {
    List<String> warnings = new ArrayList<>(notes);
    if (flags != null && flags.dropped() > 0) {
      warnings.add(flags.dropped() + " flag(s) not copied, Maildir cannot hold them: "
          + String.join(" ", flags.droppedNames()));
    }
    return new FolderResult(mailbox.name(), outcome, progress.messages(), progress.bytes(), skipped,
        reason, warnings);
  }

  private void writeState(FolderState state, Map<String, String> updates) {
    Map<String, String> all = new HashMap<>(updates);
    if (flags != null && flags.dropped() > recordedDrops) {
      Map<String, String> before = mailbox.dovetailState();
      long earlier = Math.max(0, parseLong(before.get(MigrationState.FLAGS_DROPPED)));
      all.put(MigrationState.FLAGS_DROPPED, Long.toString(earlier + flags.dropped() - recordedDrops));
      java.util.TreeSet<String> names = new java.util.TreeSet<>(flags.droppedNames());
      String old = before.get(MigrationState.FLAGS_DROPPED_NAMES);
      if (old != null && !old.isBlank()) {
        names.addAll(List.of(old.trim().split(" ")));
      }
      all.put(MigrationState.FLAGS_DROPPED_NAMES, String.join(" ", names));
      recordedDrops = flags.dropped();
    }
    all.put(MigrationState.STATE, state.configName());
    all.put(MigrationState.UPDATED, clock.instant().toString());
    mailbox.updateDovetailState(s -> MigrationState.merge(s, all));
  }

  private static void commitQuietly(Committer committer, RuntimeException cause) {
    try {
      committer.commit();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Stops a pipelined fetch at the queue's head, whose body did not arrive (or arrived unusable). */
  private static final class Interrupt extends RuntimeException {
    Interrupt(String reason) {
      super(reason, null, false, false);
    }
  }
}
