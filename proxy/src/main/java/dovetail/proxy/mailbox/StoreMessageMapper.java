package dovetail.proxy.mailbox;

import dovetail.migrator.copy.MigrationState;
import dovetail.store.Mailbox.FlagChange;
import dovetail.store.MailboxStatus;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.UidSet;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.mail.Flags;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.AbstractMessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Messages of the session user's folders, read from and written to the store. The store assigns UIDs
 * (APPEND, COPY and MOVE take the folder's next UID in one store transaction), so the UID that James suggests is
 * ignored and the stored one returned, as the MessageMapper contract allows. Every listing first compares the
 * folder with what was last reported, and announces other writers' changes (see {@link ExternalChanges}).
 *
 * <p>A new message (APPEND, REPLACE, the target of COPY and MOVE) goes only into a folder whose migration is complete
 * or that was never migrated (see {@link #refuseUnlessMigrated}).
 *
 * <p>Writes hold the folder's {@link FolderState} monitor from the store commit until the change is recorded, so
 * a concurrent look at the folder cannot report this session's change as another writer's. Each reserves its
 * mod-sequence on disk before it changes the store ({@link FolderState#reserveAhead}): a write that cannot have one
 * is refused whole, never left done but answered NO (a client's retry of such an APPEND stored it twice).
 */
final class StoreMessageMapper extends AbstractMessageMapper {
  private static final Logger LOG = LoggerFactory.getLogger(StoreMessageMapper.class);

  private final UserMailboxes user;
  private final ShapeCache shapes;
  private final ExternalChanges changes;

  StoreMessageMapper(MailboxSession session, UserMailboxes user, ShapeCache shapes, ExternalChanges changes,
      UidProvider uids, ModSeqProvider modSeqs, Clock clock) {
    super(session, uids, modSeqs, clock);
    this.user = user;
    this.shapes = shapes;
    this.changes = changes;
  }

  private UserMailboxes.Folder folder(Mailbox mailbox) throws MailboxException {
    return user.folder((StoreMailboxId) mailbox.getMailboxId());
  }

  /** The folder's messages now; changes by other writers are being announced (see {@link ExternalChanges}). */
  private List<StoredMessage> current(Mailbox mailbox, UserMailboxes.Folder f) throws MailboxException {
    return look(mailbox, f).messages();
  }

  private record Look(List<StoredMessage> messages, Mono<Void> announced) {}

  /**
   * Reads the folder and announces what changed since the last look. One look at a time per folder, from reading
   * to registering the announcement: otherwise a NOOP could run between the poller's finding a change and its
   * registering the announcement, see nothing new and nothing in flight, and answer before the news arrived.
   */
  private Look look(Mailbox mailbox, UserMailboxes.Folder f) throws MailboxException {
    try {
      synchronized (f.state()) {
        List<StoredMessage> messages = f.mailbox().messages();
        return new Look(messages, changes.publish(mailbox, f.state().sync(f.mailbox(), messages), f.state()));
      }
    } catch (StoreException e) {
      throw StoreErrors.forRead(e, f.name(), mailboxSession);
    }
  }

  /** Looks for other writers' changes now (NOOP, IDLE, the poller); completes when sessions have them. */
  Mono<Void> refresh(Mailbox mailbox) throws MailboxException {
    return look(mailbox, folder(mailbox)).announced();
  }

  private StoreMailboxMessage wrap(StoredMessage m, UserMailboxes.Folder f) {
    return new StoreMailboxMessage(m, f.id(), f.mailbox(), ModSeq.of(f.state().modSeq(m.uid())), shapes);
  }

  @Override
  public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit)
      throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    List<MailboxMessage> out = new ArrayList<>();
    List<StoredMessage> all = current(mailbox, f);
    long to = set.getUidTo().asLong();
    // The list is in UID order: start at the range's first UID rather than walk the whole folder.
    for (int i = firstAtOrAbove(all, set.getUidFrom().asLong()); i < all.size() && all.get(i).uid() <= to; i++) {
      StoredMessage m = all.get(i);
      if (set.includes(MessageUid.of(m.uid()))) {
        out.add(wrap(m, f));
        if (limit > 0 && out.size() >= limit) {
          break;
        }
      }
    }
    return out.iterator();
  }

  /** The index of the first message whose UID is {@code uid} or above (messages in ascending UID order). */
  private static int firstAtOrAbove(List<StoredMessage> messages, long uid) {
    int low = 0;
    int high = messages.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (messages.get(mid).uid() < uid) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  @Override
  public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    List<MessageUid> out = new ArrayList<>();
    for (StoredMessage m : current(mailbox, f)) {
      if (m.flags().has(SystemFlag.DELETED) && range.includes(MessageUid.of(m.uid()))) {
        out.add(MessageUid.of(m.uid()));
      }
    }
    return out;
  }

  private MailboxStatus status(Mailbox mailbox) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    try {
      return f.mailbox().status();
    } catch (StoreException e) {
      throw StoreErrors.forRead(e, f.name(), mailboxSession);
    }
  }

  @Override
  public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
    return status(mailbox).messages();
  }

  @Override
  protected long countUnseenMessagesInMailbox(Mailbox mailbox) throws MailboxException {
    return status(mailbox).unseen();
  }

  @Override
  public MailboxCounters getMailboxCounters(Mailbox mailbox) throws MailboxException {
    MailboxStatus status = status(mailbox);
    return MailboxCounters.builder().mailboxId(mailbox.getMailboxId()).count(status.messages()).unseen(status.unseen()).build();
  }

  @Override
  public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
    deleteMessages(mailbox, List.of(message.getUid()));
  }

  @Override
  public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    Set<Long> wanted = new TreeSet<>();
    uids.forEach(u -> wanted.add(u.asLong()));
    Map<MessageUid, MessageMetaData> deleted = new LinkedHashMap<>();
    try {
      synchronized (f.state()) {
        List<StoredMessage> present = f.mailbox().messages().stream().filter(m -> wanted.contains(m.uid())).toList();
        List<Long> presentUids = present.stream().map(StoredMessage::uid).toList();
        if (!presentUids.isEmpty()) {
          f.state().reserveAhead(f.mailbox(), 1);
        }
        f.mailbox().expunge(presentUids);
        // The expunge's own mod-sequence, as for other writers' expunges (see ExternalChanges).
        long expungedAt = f.state().recordExpunged(f.mailbox(), presentUids);
        f.state().recordClientExpunge(f.mailbox(), UidSet.of(presentUids));
        for (StoredMessage m : present) {
          deleted.put(MessageUid.of(m.uid()), ExternalChanges.metaData(m, expungedAt));
        }
      }
    } catch (StoreException e) {
      throw StoreErrors.forWrite(e, f.name(), mailboxSession);
    }
    return deleted;
  }

  @Override
  public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    for (StoredMessage m : current(mailbox, f)) {
      if (!m.flags().has(SystemFlag.SEEN)) {
        return MessageUid.of(m.uid());
      }
    }
    return null;
  }

  /** STATUS RECENT, EXAMINE: the messages no read-write session has claimed yet ({@link RecentMessages}). */
  @Override
  public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    try {
      return RecentMessages.recent(f.mailbox(), current(mailbox, f)).stream()
          .map(m -> MessageUid.of(m.uid())).toList();
    } catch (StoreException e) {
      throw StoreErrors.forRead(e, f.name(), mailboxSession);
    }
  }

  /**
   * SELECT: claims the recent messages for this session ({@link RecentMessages}); \Recent is not in the files, so
   * nothing on disk changes but the claim. James's SELECT comes through {@link #claimRecent} instead (no event).
   */
  @Override
  public List<UpdatedFlags> resetRecent(Mailbox mailbox) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    List<UpdatedFlags> updated = new ArrayList<>();
    for (StoredMessage m : claimRecent(mailbox, f)) {
      Flags now = FlagsMapping.toJames(m.flags());
      Flags before = new Flags(now);
      before.add(Flags.Flag.RECENT);
      updated.add(UpdatedFlags.builder()
          .uid(MessageUid.of(m.uid()))
          .messageId(new StoreMessageId(m.guid()))
          .modSeq(ModSeq.of(f.state().modSeq(m.uid())))
          .oldFlags(before)
          .newFlags(now)
          .build());
    }
    return updated;
  }

  /** SELECT's claim of the recent messages ({@link RecentMessages}): their UIDs. */
  List<MessageUid> claimRecent(Mailbox mailbox) throws MailboxException {
    return claimRecent(mailbox, folder(mailbox)).stream().map(m -> MessageUid.of(m.uid())).toList();
  }

  private List<StoredMessage> claimRecent(Mailbox mailbox, UserMailboxes.Folder f) throws MailboxException {
    try {
      return RecentMessages.claimAll(f.mailbox(), current(mailbox, f));
    } catch (StoreException e) {
      throw StoreErrors.forRead(e, f.name(), mailboxSession);
    }
  }

  @Override
  public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set)
      throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    List<UpdatedFlags> updated = new ArrayList<>();
    Optional<ConditionalStore> conditional = ConditionalStore.of(mailboxSession);
    try {
      synchronized (f.state()) {
        // Read while holding the folder: a STORE between our look and our writes could otherwise make a change of
        // ours look already done (or undone), and be skipped.
        List<StoredMessage> inSet = new ArrayList<>();
        Set<Long> toChange = new LinkedHashSet<>();
        for (StoredMessage m : current(mailbox, f)) {
          if (set.includes(MessageUid.of(m.uid()))) {
            if (conditional.isPresent() && f.state().modSeq(m.uid()) > conditional.get().unchangedSince()) {
              conditional.get().refuse(m.uid()); // changed since James's test: untouched, MODIFIED
              continue;
            }
            inSet.add(m);
            Flags before = FlagsMapping.toJames(m.flags());
            if (UpdatedFlags.flagsChanged(before, newFlags(calculator, before))) {
              toChange.add(m.uid());
            }
          }
        }
        // First: a state that cannot be written refuses the STORE whole.
        long modSeq = toChange.isEmpty() ? 0 : f.state().next(f.mailbox());
        Map<Long, FlagChange> made = new HashMap<>();
        UidSet changedUids = new UidSet();
        try {
          // One hold of the folder's lock for the range. Each change is computed again from the flags on disk then:
          // another session may have changed them since our look.
          f.mailbox().changeFlags(toChange, now -> FlagsMapping.toStore(newFlags(calculator, FlagsMapping.toJames(now))),
              change -> {
                long uid = change.after().uid();
                made.put(uid, change);
                if (change.changed()) {
                  f.state().recordFlags(change.after(), modSeq);
                  changedUids.add(uid, uid);
                }
              });
        } catch (StoreException e) {
          // The STORE fails, and James tells no session of the changes made before the failure: the next look at
          // the folder finds them, as another writer's, and tells every session.
          inSet.stream().filter(m -> changedUids.contains(m.uid())).forEach(f.state()::unreported);
          throw e;
        } finally {
          f.state().recordClientFlags(f.mailbox(), changedUids); // also what was renamed before a later failure
        }
        for (StoredMessage m : inSet) {
          FlagChange change = made.get(m.uid());
          if (change == null && toChange.contains(m.uid())) {
            continue; // expunged by another writer since our look: gone, nothing to report
          }
          Flags before = FlagsMapping.toJames(change == null ? m.flags() : change.before());
          Flags after = change == null ? before : FlagsMapping.toJames(change.after().flags());
          updated.add(UpdatedFlags.builder()
              .uid(MessageUid.of(m.uid()))
              .messageId(new StoreMessageId(m.guid()))
              .modSeq(ModSeq.of(change != null && change.changed() ? modSeq : f.state().modSeq(m.uid())))
              .oldFlags(before)
              .newFlags(after)
              .build());
        }
      }
    } catch (StoreException e) {
      throw StoreErrors.forWrite(e, f.name(), mailboxSession);
    }
    return updated.iterator();
  }

  /** What a STORE makes of {@code before}; \Recent is not a flag Maildir keeps. */
  private static Flags newFlags(FlagsUpdateCalculator calculator, Flags before) {
    Flags after = calculator.buildNewFlags(before);
    after.remove(Flags.Flag.RECENT);
    return after;
  }

  /**
   * A folder whose migration is not complete (pending, migrating, partial, failed) may still receive legacy
   * messages under UIDs from its NEXTUID on, and a migration resumes after the highest UID it finds: a message
   * written here now would take a legacy UID and make the migration skip the legacy message. The on-access hook
   * migrates a folder before any command that writes into it; this refuses whatever reaches the store without that
   * (a FAILED folder, or a path the hook does not know), as LMTP delivery does for such an INBOX (it spools). The
   * migrator, late-mail merges and LMTP write to the store directly, not through here. COMPLETE is final, so the
   * state read here cannot change before the commit.
   */
  private void refuseUnlessMigrated(UserMailboxes.Folder f) throws MailboxException {
    Optional<MigrationState.FolderState> state;
    try {
      state = MigrationState.FolderState.of(f.mailbox().dovetailState());
    } catch (StoreException e) {
      throw StoreErrors.forRead(e, f.name(), mailboxSession);
    }
    if (state.isPresent() && state.get() != MigrationState.FolderState.COMPLETE) {
      throw StoreRefusal.notMigrated(mailboxSession, f.name(), state.get().configName());
    }
  }

  @Override
  public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    refuseUnlessMigrated(f);
    MessageMeta meta = MessageMeta.next(message.getInternalDate().toInstant(), FlagsMapping.toStore(message.createFlags()));
    MessageMetaData result;
    try (MailboxTransaction tx = f.mailbox().begin(); InputStream content = message.getFullContent()) {
      tx.add(meta, content);
      result = commit(f, tx).get(0);
    } catch (IOException e) {
      throw new MailboxException("cannot read the message to store", e);
    } catch (StoreException e) {
      throw StoreErrors.forWrite(e, f.name(), mailboxSession);
    }
    message.setUid(result.getUid());
    message.setModSeq(result.getModSeq());
    return result;
  }

  /** Commits and records the new messages under the folder's monitor; one mod-sequence for the batch. */
  private static List<MessageMetaData> commit(UserMailboxes.Folder f, MailboxTransaction tx) {
    synchronized (f.state()) {
      f.state().reserveAhead(f.mailbox(), 1);
      RecentMessages.beforeAdding(f.mailbox());
      List<StoredMessage> stored = tx.commit();
      long modSeq = f.state().next(f.mailbox());
      List<MessageMetaData> out = new ArrayList<>();
      for (StoredMessage m : stored) {
        f.state().recordAdded(m, modSeq);
        out.add(ExternalChanges.metaData(m, modSeq));
      }
      return out;
    }
  }

  @Override
  public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
    return copy(mailbox, List.of(original)).get(0);
  }

  /** COPY: the stored bytes (not the CRLF view), INTERNALDATE and flags, in one transaction on the target. */
  @Override
  public List<MessageMetaData> copy(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
    if (originals.isEmpty()) {
      return List.of();
    }
    UserMailboxes.Folder f = folder(mailbox);
    refuseUnlessMigrated(f);
    try (MailboxTransaction tx = f.mailbox().begin()) {
      for (MailboxMessage original : originals) {
        Flags flags = original.createFlags();
        flags.remove(Flags.Flag.RECENT);
        MessageMeta meta = MessageMeta.next(original.getInternalDate().toInstant(), FlagsMapping.toStore(flags));
        try (InputStream content = raw(original)) {
          tx.add(meta, content);
        }
      }
      return commit(f, tx);
    } catch (IOException e) {
      throw new MailboxException("cannot read a message to copy", e);
    } catch (StoreException e) {
      throw StoreErrors.forWrite(e, f.name(), mailboxSession);
    }
  }

  private static InputStream raw(MailboxMessage original) throws IOException {
    return original instanceof StoreMailboxMessage stored ? stored.openRaw() : original.getFullContent();
  }

  @Override
  protected MessageMetaData copy(Mailbox mailbox, MessageUid uid, ModSeq modSeq, MailboxMessage original)
      throws MailboxException {
    return copy(mailbox, original);
  }

  @Override
  public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
    return move(mailbox, List.of(original)).get(0);
  }

  /**
   * MOVE: the messages' files move into the target (not copies: see {@link MailboxTransaction#addMoved}), so that a
   * crash at any point leaves each in exactly one folder; then the source records their expunge as a client's EXPUNGE.
   */
  @Override
  public List<MessageMetaData> move(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
    if (originals.isEmpty()) {
      return List.of();
    }
    UserMailboxes.Folder target = folder(mailbox);
    refuseUnlessMigrated(target);
    Map<StoreMailboxId, List<MailboxMessage>> bySource = new LinkedHashMap<>();
    for (MailboxMessage m : originals) {
      bySource.computeIfAbsent((StoreMailboxId) m.getMailboxId(), k -> new ArrayList<>()).add(m);
    }
    List<MessageMetaData> moved = new ArrayList<>();
    for (Map.Entry<StoreMailboxId, List<MailboxMessage>> e : bySource.entrySet()) {
      UserMailboxes.Folder source = user.folder(e.getKey());
      moved.addAll(FolderMonitors.holdingBoth(source, target, () -> moveFrom(source, target, e.getValue())));
    }
    return moved;
  }

  /**
   * One MOVE command, one {@link #move(Mailbox, List)}: James's default moves the messages one at a time (a target
   * commit and a source expunge each), so a MOVE of 1,000 took 1,000 of both, and a message expunged by another writer
   * half-way left the MOVE half done where Dovecot refuses it whole.
   */
  @Override
  public Mono<List<MessageMetaData>> moveReactive(Mailbox mailbox, List<MailboxMessage> originals) {
    return BlockingCalls.mono(() -> move(mailbox, originals));
  }

  /**
   * The MOVE of messages of one source, with both folders' monitors held: no look of this server at either folder
   * comes between, so none sees a message in both, or the source's record left without its file as another writer's
   * expunge. The source reserves its expunge's mod-sequence first: a source whose state cannot be written refuses the
   * MOVE before anything moves.
   */
  private List<MessageMetaData> moveFrom(UserMailboxes.Folder source, UserMailboxes.Folder target,
      List<MailboxMessage> originals) throws MailboxException {
    List<Long> uids = originals.stream().map(m -> m.getUid().asLong()).toList();
    try {
      source.state().reserveAhead(source.mailbox(), 1);
    } catch (StoreException ex) {
      throw StoreErrors.forWrite(ex, source.name(), mailboxSession);
    }
    // verify's record first (dovetail-changes): a kill after the files left the source and before the end would
    // otherwise leave them gone from it with no record that a client moved them, and verify report them lost. A MOVE
    // that then fails leaves the messages where they were, and verify only asks the record about missing ones.
    source.state().recordClientExpunge(source.mailbox(), UidSet.of(uids));
    List<MessageMetaData> moved;
    try (MailboxTransaction tx = target.mailbox().begin()) {
      for (MailboxMessage original : originals) {
        Flags flags = original.createFlags();
        flags.remove(Flags.Flag.RECENT);
        tx.addMoved(source.mailbox(), original.getUid().asLong(), FlagsMapping.toStore(flags));
      }
      moved = commit(target, tx);
    } catch (StoreException ex) {
      throw StoreErrors.forWrite(ex, target.name(), mailboxSession);
    }
    try {
      // The moved files have left the source: this drops their records, as a client's EXPUNGE would.
      source.mailbox().expunge(uids);
    } catch (StoreException ex) {
      // The MOVE is done (its records without files read as expunged everywhere; the source's next write drops
      // them): a NO now would tell the client that nothing moved.
      LOG.warn("MOVE from {}: the moved messages' records stay there until its next write: {}", source.name(),
          ex.getMessage());
    }
    source.state().recordExpunged(source.mailbox(), uids);
    return moved;
  }

  /** UIDNEXT is lastUid + 1, so lastUid is the store's NEXTUID - 1 (Dovecot's next_uid - 1). */
  @Override
  public Optional<MessageUid> getLastUid(Mailbox mailbox) throws MailboxException {
    long next = status(mailbox).nextUid();
    return next <= 1 ? Optional.empty() : Optional.of(MessageUid.of(next - 1));
  }

  /** Looks at the folder first, so that STATUS/SELECT HIGHESTMODSEQ covers other writers' changes (CONDSTORE). */
  @Override
  public ModSeq getHighestModSeq(Mailbox mailbox) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    current(mailbox, f);
    return ModSeq.of(f.state().highest());
  }

  /** QRESYNC: the UIDs expunged at a mod-sequence above {@code modSeq}, other writers' expunges included. */
  UidSet expungedSince(Mailbox mailbox, long modSeq) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    current(mailbox, f);
    return f.state().expungedSince(modSeq);
  }

  /** FLAGS: the system flags plus every keyword in use in the folder. */
  @Override
  public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
    UserMailboxes.Folder f = folder(mailbox);
    Flags flags = new Flags();
    flags.add(Flags.Flag.ANSWERED);
    flags.add(Flags.Flag.DELETED);
    flags.add(Flags.Flag.DRAFT);
    flags.add(Flags.Flag.FLAGGED);
    flags.add(Flags.Flag.SEEN);
    for (StoredMessage m : current(mailbox, f)) {
      m.flags().keywords().forEach(flags::add);
    }
    return flags;
  }

  @Override
  public Flux<MessageUid> listAllMessageUids(Mailbox mailbox) {
    return Flux.defer(() -> {
      try {
        UserMailboxes.Folder f = folder(mailbox);
        return Flux.fromIterable(current(mailbox, f)).map(m -> MessageUid.of(m.uid()));
      } catch (MailboxException e) {
        return Flux.error(e);
      }
    });
  }

  @Override
  protected MessageMetaData save(Mailbox mailbox, MailboxMessage message) {
    throw new UnsupportedOperationException("every write path is overridden");
  }

  @Override
  protected void begin() {
    // Each store operation is atomic on its own.
  }

  @Override
  protected void commit() {
    // Nothing pending.
  }

  @Override
  protected void rollback() {
    // Nothing pending.
  }
}
