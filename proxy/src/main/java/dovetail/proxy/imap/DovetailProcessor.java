package dovetail.proxy.imap;

import dovetail.proxy.mailbox.InvalidFolderNameException;
import dovetail.proxy.mailbox.MailboxBackend;
import com.google.common.collect.ImmutableSet;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.message.Capability;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.main.DeniedAccessOnSharedMailboxException;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.SelectedMailbox;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.imap.message.request.CheckRequest;
import org.apache.james.imap.message.request.IdleRequest;
import org.apache.james.imap.message.request.LogoutRequest;
import org.apache.james.imap.message.request.NoopRequest;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.mailbox.MailboxSession;
import reactor.core.publisher.Mono;

/**
 * In front of James's processor chain: what applies to every command, once. It gives processors the
 * per-connection {@link SessionView} and {@link FolderViewSession} (the selected folder as the client knows it,
 * {@link FolderView}), notes sessions for the {@link FolderPoller}, before NOOP, CHECK and
 * IDLE looks for changes that other writers made to the selected folder, so they are reported at once,
 * migrates the folder a command needs first ({@link MigrateOnAccess}), refuses keywords no folder can hold
 * ({@link KeywordCheck}), keeps a folder opened with EXAMINE unchanged ({@link ReadOnlySelection}), leaves nothing
 * selected after a failed SELECT ({@link FailedSelection}),
 * corrects two response codes James gets wrong ({@link ResponseCodeFix}), refuses names no folder can have before
 * James sees them ({@link FolderNameCheck}), and answers a command whose processor failed without answering.
 */
final class DovetailProcessor implements ImapProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(DovetailProcessor.class);
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();
  private static final String INVALID_NAME_KEY = "dovetail.imap.INVALID_NAME";
  private static final HumanReadableText SELECTION_GONE = new HumanReadableText("dovetail.imap.SELECTION_GONE",
      "Selected mailbox was deleted, have to disconnect.");

  private final ImapProcessor james;
  private final PlaintextAuthRule rule;
  private final MailboxBackend backend;
  private final FolderPoller poller;
  private final MigrateOnAccess onAccess;
  private final KeywordCheck keywords = new KeywordCheck(RESPONSES);
  private final ReadOnlySelection readOnly = new ReadOnlySelection(RESPONSES);
  private final FailedSelection failedSelection = new FailedSelection(RESPONSES);

  /** @param onAccess on-access migration, or null when there is no legacy server */
  DovetailProcessor(ImapProcessor james, PlaintextAuthRule rule, MailboxBackend backend, FolderPoller poller,
      MigrateOnAccess onAccess) {
    this.james = new StoreRefusals(james); // a write the store refused, answered in Dovecot's words
    this.rule = rule;
    this.backend = backend;
    this.poller = poller;
    this.onAccess = onAccess;
  }

  @Override
  public void process(ImapMessage message, Responder responder, ImapSession session) {
    processReactive(message, responder, session).block();
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (message instanceof ListPatterns patterns) { // each pattern as its own LIST, merged into one answer
      return patterns.answer((one, merging) -> processReactive(one, merging, session), responder);
    }
    return selectionGone(message, session).flatMap(gone -> gone ? disconnect(responder, session)
        : processCommand(message, responder, session));
  }

  /**
   * Whether the selected folder is gone: another writer (Dovecot, another process) deleted or renamed it. Every
   * command on it would answer NO for ever; Dovecot ends the session instead, so that the client logs in again and
   * finds the folders as they are now (walk-through 6, W7).
   */
  private Mono<Boolean> selectionGone(ImapMessage message, ImapSession session) {
    SelectedMailbox selected = session.getSelected();
    MailboxSession mailboxSession = session.getMailboxSession();
    if (selected == null || mailboxSession == null || message instanceof LogoutRequest) {
      return Mono.just(false);
    }
    return backend.exists(mailboxSession, selected.getMailboxId()).map(exists -> !exists);
  }

  /** Dovecot's words, and no tagged answer: James closes the connection after a command that logged out. */
  private static Mono<Void> disconnect(Responder responder, ImapSession session) {
    responder.respond(RESPONSES.bye(SELECTION_GONE));
    responder.flush();
    return session.logout();
  }

  private Mono<Void> processCommand(ImapMessage message, Responder responder, ImapSession session) {
    ImapSession view = FolderViewSession.of(session, SessionView.of(session, rule), backend.eventBus(),
        backend.recentClaims());
    poller.watch(session);
    String copySource = message instanceof AbstractMessageRangeRequest range
        ? ResponseCodeFix.copySource(range, session.getSelected()) : null;
    // Whatever refuses a SELECT (a name no folder can have, a migration that cannot run, James) deselects.
    return failedSelection.around(message, session, responder, answering -> FolderNameCheck.of(message, session)
        .then(refreshFirst(message, session))
        .then(onAccess == null ? Mono.just(true) : Mono.defer(() -> onAccess.prepare(message, session, answering)))
        .flatMap(proceed -> proceed ? keywords.check(message, answering) : Mono.<ImapMessage>empty())
        .flatMap(checked -> readOnly.before(checked, session, answering))
        .flatMap(request -> james.processReactive(request, MigrateOnAccess.leavingOutStatus(request, session,
            new ResponseCodeFix(new ViewResponder(request, readOnly.replies(request, new FlushAtOnce(answering)),
                session), RESPONSES, copySource)), view))
        .onErrorResume(e -> answerEscapedError(message, answering, e)));
  }

  /**
   * The one place where an error that no James processor answered becomes the command's answer. A processor that
   * throws instead of answering would leave the client waiting forever: James 3.8.1's ListProcessor does so for any
   * reference in another namespace (PathConverter.retrieveUserName throws DeniedAccessOnSharedMailboxException
   * outside the reactive chain, e.g. {@code LIST "#user" *}). A name no folder can have ({@link FolderNameCheck}) is
   * answered {@code NO [CANNOT]} with its reason, as Dovecot answers it. Anything else: NO once, logged; its text
   * never goes to the client.
   */
  private Mono<Void> answerEscapedError(ImapMessage message, Responder responder, Throwable e) {
    if (!(message instanceof ImapRequest request)) {
      return Mono.error(e);
    }
    if (e instanceof InvalidFolderNameException invalid) {
      LOG.debug("{} refused: {}", request.getCommand().getName(), invalid.getMessage());
      responder.respond(RESPONSES.taggedNo(request.getTag(), null,
          new HumanReadableText(INVALID_NAME_KEY, invalid.getMessage()), ResponseCodeFix.plain("CANNOT")));
    } else if (e instanceof DeniedAccessOnSharedMailboxException) {
      responder.respond(RESPONSES.taggedNo(request.getTag(), request.getCommand(), HumanReadableText.MAILBOX_NOT_FOUND));
    } else {
      LOG.warn("{} failed inside James: {}", request.getCommand().getName(), e.toString(), e);
      responder.respond(RESPONSES.taggedNo(request.getTag(), request.getCommand(),
          HumanReadableText.GENERIC_FAILURE_DURING_PROCESSING));
    }
    responder.flush();
    return Mono.empty();
  }

  private Mono<Void> refreshFirst(ImapMessage message, ImapSession session) {
    if (!(message instanceof NoopRequest || message instanceof CheckRequest || message instanceof IdleRequest)) {
      return Mono.empty();
    }
    SelectedMailbox selected = session.getSelected();
    MailboxSession mailboxSession = session.getMailboxSession();
    if (selected == null || mailboxSession == null) {
      return Mono.empty();
    }
    return backend.refresh(mailboxSession, selected.getMailboxId());
  }

  /**
   * James 3.8.1's IMAPServer never passes "condstore" from its configuration to ImapConfiguration
   * (IMAPServer.getImapConfiguration), so CONDSTORE could never be advertised; the flag is set here.
   */
  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(withCondstore(configuration));
  }

  static ImapConfiguration withCondstore(ImapConfiguration c) {
    ImapConfiguration.Builder b = ImapConfiguration.builder()
        .enableIdle(c.isEnableIdle())
        .idleTimeInterval(c.getIdleTimeInterval())
        .idleTimeIntervalUnit(c.getIdleTimeIntervalUnit())
        .concurrentRequests(c.getConcurrentRequests())
        .maxQueueSize(c.getMaxQueueSize())
        .disabledCaps(c.getDisabledCaps().stream().map(Capability::asString).collect(ImmutableSet.toImmutableSet()))
        .isCondstoreEnable(true)
        .isProvisionDefaultMailboxes(c.isProvisionDefaultMailboxes())
        .withCustomProperties(c.getCustomProperties());
    c.getAppendLimit().ifPresent(b::appendLimit);
    return b.build();
  }
}
