package dovetail.proxy.imap;

import dovetail.proxy.mailbox.RecentClaims;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicReference;
import javax.mail.Flags;
import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventListener;
import org.apache.james.events.Registration;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.NullableMessageSequenceNumber;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.events.MailboxEvents.Expunged;
import org.apache.james.mailbox.events.MailboxEvents.FlagsUpdated;
import org.apache.james.mailbox.events.MailboxEvents.MailboxDeletion;
import org.apache.james.mailbox.events.MailboxEvents.MailboxEvent;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The selected folder as one session's client knows it, in place of James 3.8.1's SelectedMailboxImpl, which put a
 * message appended by another session into the session's sequence numbers the moment the event arrived: a FETCH or
 * SEARCH then named message n+1 before "* n+1 EXISTS", and EXISTS/EXPUNGE counts drifted ("* -1 EXPUNGE").
 *
 * <p>Here, as in Dovecot, the sequence numbers change only when the client is told (RFC 3501 §5.2, §7.4.1): events
 * from the folder are only noted as pending. New messages join the view when James asks {@link #isSizeChanged()},
 * which it does exactly where it then sends EXISTS (AbstractMailboxProcessor's unsolicited responses, at the end
 * of a command or in IDLE); an expunged message leaves it when James sends its EXPUNGE ({@link #remove}), which
 * James holds back during FETCH, STORE and SEARCH. A message added and expunged in between is never announced.
 *
 * <p>\Recent stays with James's SelectedMailboxImpl, which SELECT fills; {@link SelectionEventBus} keeps that one
 * from listening to events, so it holds nothing else. A message that arrives while the folder is selected is recent
 * in one session only ({@link RecentClaims}).
 */
final class FolderView implements SelectedMailbox, EventListener.ReactiveEventListener {
  private final SelectedMailbox james;
  private final MessageManager messageManager;
  private final MailboxId mailboxId;
  private final MailboxSession mailboxSession;
  private final EventBus eventBus;

  private final UidSequence announced = new UidSequence();
  private final TreeSet<Long> added = new TreeSet<>();
  private final TreeSet<Long> expunged = new TreeSet<>();
  private final TreeSet<Long> flagsChanged = new TreeSet<>();
  private final Set<Long> flagsReported = new HashSet<>();
  /** Until the folder's UIDs are loaded: UIDs expunged meanwhile, which the listing may still contain. */
  private final Set<Long> goneDuringLoad = new HashSet<>();
  private boolean loaded;
  private Flags applicableFlags = new Flags();
  private boolean newApplicableFlags;
  /** The flags of the last FLAGS line the client was sent ({@link ViewResponder}). */
  private Flags toldFlags = new Flags();
  private boolean deletedByOtherSession;

  private final AtomicReference<Registration> registration = new AtomicReference<>();
  private final IdleRounds idle;
  private final RecentClaims recentClaims;
  private final BooleanSupplier readOnly;

  /**
   * @param james James's selected mailbox for this selection (holds \Recent)
   * @param readOnly whether the session has the folder open read-only (EXAMINE) now: it claims no \Recent message
   */
  FolderView(SelectedMailbox james, MailboxSession mailboxSession, EventBus eventBus, RecentClaims recentClaims,
      BooleanSupplier readOnly) {
    this.james = james;
    this.messageManager = james.getMessageManager();
    this.mailboxId = james.getMailboxId();
    this.mailboxSession = mailboxSession;
    this.eventBus = eventBus;
    this.idle = new IdleRounds(mailboxId.serialize());
    this.recentClaims = recentClaims;
    this.readOnly = readOnly;
  }

  /** Listens to the folder, then loads what it holds: an event in between is neither lost nor counted twice. */
  Mono<Void> start() {
    return Mono.from(eventBus.register(this, new MailboxIdRegistrationKey(mailboxId)))
        .doOnNext(registration::set)
        .then(messageManager.getApplicableFlagsReactive(mailboxSession).doOnNext(this::initFlags))
        .then(Flux.from(messageManager.listMessagesMetadata(MessageRange.all(), mailboxSession))
            .map(m -> m.getComposedMessageId().getUid().asLong())
            .collectList()
            .doOnNext(this::load))
        .then();
  }

  private synchronized void initFlags(Flags flags) {
    applicableFlags.add(flags);
    applicableFlags.remove(Flags.Flag.RECENT);
  }

  private synchronized void load(List<Long> uids) {
    List<Long> present = new ArrayList<>(uids);
    present.removeAll(goneDuringLoad);
    announced.addAll(present);
    added.removeAll(present);
    goneDuringLoad.clear();
    loaded = true;
  }

  // ---- the folder's events: noted, not yet shown

  @Override
  public Publisher<Void> reactiveEvent(Event event) {
    return Mono.fromRunnable(() -> {
      if (event instanceof MailboxEvent e && mailboxId.equals(e.getMailboxId())) {
        note(e);
        idle.changed(event);
      }
    });
  }

  private synchronized void note(MailboxEvent event) {
    if (event instanceof Added a) {
      for (MessageUid uid : a.getUids()) {
        if (!announced.contains(uid.asLong())) {
          added.add(uid.asLong());
        }
        // A keyword that first comes with a new message (APPEND, COPY, delivery) is announced in FLAGS as a STORE's.
        noteFlags(a.getMetaData(uid).getFlags());
      }
    } else if (event instanceof Expunged e) {
      for (MessageUid uid : e.getUids()) {
        long u = uid.asLong();
        flagsChanged.remove(u);
        if (!loaded) {
          goneDuringLoad.add(u);
        }
        if (!added.remove(u) && announced.contains(u)) {
          expunged.add(u);
        }
      }
    } else if (event instanceof FlagsUpdated f) {
      boolean own = mailboxSession.getSessionId().equals(f.getSessionId());
      for (UpdatedFlags u : f.getUpdatedFlags()) {
        if (!own && visible(u)) {
          flagsChanged.add(u.getUid().asLong());
        }
        noteFlags(u.getNewFlags());
      }
    } else if (event instanceof MailboxDeletion d && !mailboxSession.getSessionId().equals(d.getSessionId())) {
      deletedByOtherSession = true;
    }
  }

  /** A change the client is told of (STORE answers its own session itself); \Recent is the server's affair. */
  private static boolean visible(UpdatedFlags u) {
    return u.modifiedSystemFlags().stream().anyMatch(f -> f != Flags.Flag.RECENT) || !u.modifiedUserFlags().isEmpty();
  }

  private synchronized void noteFlags(Flags flags) {
    int before = applicableFlags.getUserFlags().length;
    applicableFlags.add(flags);
    applicableFlags.remove(Flags.Flag.RECENT);
    if (applicableFlags.getUserFlags().length > before) {
      newApplicableFlags = true;
    }
  }

  /** IDLE's rounds ({@link IdleRounds}): they start once the IDLE command has been answered. */
  @Override
  public void registerIdle(EventListener.ReactiveEventListener listener) {
    idle.start(listener);
  }

  /** DONE: no more rounds, and one under way is waited for before DONE is answered. */
  @Override
  public void unregisterIdle() {
    idle.done();
  }

  /** The command that is processing has been answered ({@link CommandCompletion}): an IDLE's updates may go out. */
  void commandAnswered() {
    idle.commandAnswered();
  }

  // ---- what the client is told: the moments the view changes

  /** New messages join the view now: James sends EXISTS with {@link #existsCount()} right after a true answer. */
  @Override
  public synchronized boolean isSizeChanged() {
    if (added.isEmpty()) {
      return false;
    }
    announced.addAll(added);
    // Recent in the first session to announce it (RecentClaims), counted in the RECENT that James sends after EXISTS.
    recentClaims.claim(mailboxId, added, readOnly.getAsBoolean()).forEach(uid -> james.addRecent(MessageUid.of(uid)));
    added.clear();
    return true;
  }

  /** Expunges not yet told, in ascending order; each leaves the view when James sends it ({@link #remove}). */
  @Override
  public synchronized Collection<MessageUid> expungedUids() {
    return expunged.stream().map(MessageUid::of).toList();
  }

  @Override
  public synchronized NullableMessageSequenceNumber remove(MessageUid uid) {
    long u = uid.asLong();
    expunged.remove(u);
    flagsChanged.remove(u);
    int msn = announced.remove(u);
    if (msn == 0) {
      return NullableMessageSequenceNumber.noMessage();
    }
    james.removeRecent(uid);
    return NullableMessageSequenceNumber.of(msn);
  }

  /** Nothing to do: each expunge left the list when it was sent, and later ones must wait for their turn. */
  @Override
  public void resetExpungedUids() {
  }

  @Override
  public synchronized Collection<MessageUid> flagUpdateUids() {
    flagsReported.addAll(flagsChanged);
    return flagsChanged.stream().map(MessageUid::of).toList();
  }

  /** Forgets only the flag changes that were reported; one that arrived meanwhile waits for the next round. */
  @Override
  public synchronized void resetEvents() {
    flagsChanged.removeAll(flagsReported);
    flagsReported.clear();
    deletedByOtherSession = false;
  }

  // ---- sequence numbers: the announced view only

  @Override
  public synchronized NullableMessageSequenceNumber msn(MessageUid uid) {
    int msn = announced.msn(uid.asLong());
    return msn == 0 ? NullableMessageSequenceNumber.noMessage() : NullableMessageSequenceNumber.of(msn);
  }

  @Override
  public synchronized Optional<MessageUid> uid(int msn) {
    long uid = announced.uid(msn);
    return uid == 0 ? Optional.empty() : Optional.of(MessageUid.of(uid));
  }

  @Override
  public synchronized long existsCount() {
    return announced.size();
  }

  @Override
  public synchronized Optional<MessageUid> getFirstUid() {
    return uid(1);
  }

  @Override
  public synchronized Optional<MessageUid> getLastUid() {
    return uid(announced.size());
  }

  // ---- flags, deletion, the folder itself

  @Override
  public synchronized Flags getApplicableFlags() {
    return new Flags(applicableFlags);
  }

  @Override
  public synchronized boolean hasNewApplicableFlags() {
    return newApplicableFlags;
  }

  /**
   * After James sent FLAGS: still "new" if a keyword came after the line was made (another session's APPEND between
   * James's reading of the flags and this call), so that the next command sends FLAGS again; otherwise the client saw
   * the keyword in FETCH and never in FLAGS (walk-through 12, T2/T8).
   */
  @Override
  public synchronized void resetNewApplicableFlags() {
    newApplicableFlags = !toldFlags.contains(applicableFlags);
  }

  /** A FLAGS line is on its way to the client with {@code flags}. */
  synchronized void toldFlags(Flags flags) {
    toldFlags = new Flags(flags);
  }

  /**
   * Whether {@code flags} (a FETCH's) hold a keyword that no FLAGS line told the client of: one that another session
   * set after this session last looked (its event not here yet). It joins the applicable flags.
   */
  synchronized boolean untoldKeyword(Flags flags) {
    for (String keyword : flags.getUserFlags()) {
      if (!toldFlags.contains(keyword)) {
        noteFlags(flags);
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized boolean isDeletedByOtherSession() {
    return deletedByOtherSession;
  }

  @Override
  public Mono<Void> deselect() {
    idle.stop();
    Registration r = registration.getAndSet(null);
    return r == null ? Mono.empty() : Mono.from(r.unregister());
  }

  @Override
  public MessageManager getMessageManager() {
    return messageManager;
  }

  @Override
  public MailboxId getMailboxId() {
    return mailboxId;
  }

  @Override
  public Mono<MailboxPath> getPathReactive() {
    return james.getPathReactive();
  }

  // ---- \Recent: James's

  @Override
  public boolean addRecent(MessageUid uid) {
    return james.addRecent(uid);
  }

  @Override
  public boolean removeRecent(MessageUid uid) {
    return james.removeRecent(uid);
  }

  @Override
  public Collection<MessageUid> getRecent() {
    return james.getRecent();
  }

  @Override
  public int recentCount() {
    return james.recentCount();
  }

  @Override
  public boolean isRecent(MessageUid uid) {
    return james.isRecent(uid);
  }

  @Override
  public boolean isRecentUidRemoved() {
    return james.isRecentUidRemoved();
  }

  @Override
  public void resetRecentUidRemoved() {
    james.resetRecentUidRemoved();
  }
}
