package dovetail.proxy.imap;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import dovetail.proxy.mailbox.FolderNames;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.main.DeniedAccessOnSharedMailboxException;
import org.apache.james.imap.main.PathConverter;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.request.AbstractMessageRangeRequest;
import org.apache.james.imap.message.request.AppendRequest;
import org.apache.james.imap.message.request.CapabilityRequest;
import org.apache.james.imap.message.request.CompressRequest;
import org.apache.james.imap.message.request.EnableRequest;
import org.apache.james.imap.message.request.IDRequest;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.imap.message.request.LogoutRequest;
import org.apache.james.imap.message.request.NamespaceRequest;
import org.apache.james.imap.message.request.NoopRequest;
import org.apache.james.imap.message.request.ReplaceRequest;
import org.apache.james.imap.message.request.StatusRequest;
import org.apache.james.imap.message.response.MailboxStatusResponse;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The on-access hook: before a command that needs a folder's messages (SELECT, EXAMINE, STATUS, APPEND, REPLACE's
 * target, the target of COPY/MOVE, and each folder of a LIST that returns STATUS) runs, that folder is migrated from the legacy server, or the migration already running for
 * it is joined. Before the first command of an authenticated session, the user's skeleton is built, so LIST and
 * LSUB answer from the store. While the client waits it receives untagged {@code * OK} progress lines; when the
 * legacy server fails, the command is answered {@code NO [UNAVAILABLE]} and nothing else runs.
 *
 * <p>It lives in front of James's processors rather than in the MailboxMapper (where DESIGN.md first placed it)
 * because only here is the client's connection at hand, for progress lines and the UNAVAILABLE answer.
 */
final class MigrateOnAccess {
  private static final Logger LOG = LoggerFactory.getLogger(MigrateOnAccess.class);
  private static final String SKELETON_READY = MigrateOnAccess.class.getName() + ".skeleton";
  /** The names (James's: Unicode) of the folders whose STATUS the LIST-STATUS being run leaves out. */
  private static final String STATUS_LEFT_OUT = MigrateOnAccess.class.getName() + ".statusLeftOut";

  /**
   * Commands that wait for a migration wait on threads of their own: on Reactor's shared bounded-elastic threads
   * (10 per core) a few dozen waiting clients would hold every thread that the mailbox layer needs for all other
   * users' commands. A waiting thread only sleeps; the legacy connections are capped elsewhere.
   */
  private static final int WAITING_THREADS = 256;

  private final Migrations migrations;
  private final Scheduler waits = Schedulers.newBoundedElastic(WAITING_THREADS, 100_000, "migration-wait",
      60, true);
  private final ScheduledExecutorService ticker;
  private final Duration progressInterval;
  private final StatusResponseFactory responses;
  /** Set once the server stops: a wait that ends then was cut short by the stop, not by the legacy server. */
  private volatile boolean stopping;

  /**
   * @param progressInterval how often a waiting client hears of the migration (a line at least every other
   *     interval even without progress, so that it never waits silently for long)
   */
  MigrateOnAccess(Migrations migrations, ScheduledExecutorService ticker, Duration progressInterval,
      StatusResponseFactory responses) {
    this.migrations = migrations;
    this.ticker = ticker;
    this.progressInterval = progressInterval;
    this.responses = responses;
  }

  /**
   * Emits true when the command may run; false when it was answered here (NO [UNAVAILABLE]). Blocking work runs on
   * the waiting threads ({@link #WAITING_THREADS}), never on the connection's event loop.
   */
  Mono<Boolean> prepare(ImapMessage message, ImapSession session, Responder responder) {
    MailboxSession mailboxSession = session.getMailboxSession();
    if (mailboxSession == null || session.getState() == ImapSessionState.NON_AUTHENTICATED
        || session.getState() == ImapSessionState.LOGOUT || !(message instanceof ImapRequest request)
        || namesNoFolder(message)) {
      return Mono.just(true);
    }
    String user = mailboxSession.getUser().asString();
    Optional<String> folder = folderOf(message, session);
    boolean skeletonKnown = Boolean.TRUE.equals(session.getAttribute(SKELETON_READY));
    boolean listStatus = message instanceof ListRequest list && list.getStatusDataItems().isPresent();
    if (skeletonKnown && folder.isEmpty() && !listStatus) {
      return Mono.just(true);
    }
    return Mono.fromCallable(() -> {
      try {
        if (!skeletonKnown) {
          ensureSkeleton(user, responder);
          session.setAttribute(SKELETON_READY, Boolean.TRUE);
        }
        if (listStatus) {
          // STATUS of each listed folder: pending ones migrate first, as for STATUS itself, so that neither their
          // counts nor their mod-sequence base are taken from a folder that is still empty.
          Map<String, Migrations.Access> notReady = migrations.foldersNotReady(user); // one read of each state
          for (String each : ListStatusFolders.of((ListRequest) message, session,
              waiting(notReady, Migrations.Access.MIGRATE_FIRST))) {
            if (!migrate(user, each, request, responder, session)) {
              return false;
            }
          }
          // Failed ones are listed without their STATUS (RFC 5819 allows it): the part copied is not the folder.
          Set<String> leftOut = new HashSet<>();
          for (String each : ListStatusFolders.of((ListRequest) message, session,
              waiting(notReady, Migrations.Access.REFUSED_UNTIL_OPERATOR))) {
            leftOut.add(FolderNames.toJames(each, session.getMailboxSession().getPathDelimiter())); // as James names it
          }
          session.setAttribute(STATUS_LEFT_OUT, leftOut.isEmpty() ? null : Set.copyOf(leftOut));
          return true;
        }
        Migrations.Access access = folder.isPresent() ? migrations.access(user, folder.get()) : Migrations.Access.READY;
        if (access == Migrations.Access.MIGRATE_FIRST) {
          return migrate(user, folder.get(), request, responder, session);
        }
        // Writes into it are refused by the mailbox layer, in its own words (nothing may take a legacy UID there).
        if (access == Migrations.Access.REFUSED_UNTIL_OPERATOR
            && (message instanceof AbstractMailboxSelectionRequest || message instanceof StatusRequest)) {
          LOG.info("{} of {}: {} is refused: its migration failed and waits for the administrator",
              request.getCommand().getName(), user, folder.get());
          refuse(request, responder, waitsForOperator(clientName(folder.get(), session)));
          return false;
        }
        if (folder.isPresent() && message instanceof AbstractMailboxSelectionRequest) {
          // Issue #8: inside the cut-over window, late legacy mail first (rate-limited; never fails the SELECT).
          migrations.lateMailOnAccess(user, folder.get());
        }
        return true;
      } catch (MigrationUnavailableException e) {
        if (stopping || Thread.currentThread().isInterrupted()) {
          // The wait was cut short (the connection closed, or the server stops and sent BYE), not by the legacy server.
          LOG.info("{} of {} ended without an answer: {}", request.getCommand().getName(), user,
              stopping ? "Dovetail is stopping" : "the connection closed");
          return false;
        }
        LOG.warn("{} needs the legacy server, which failed: {}", request.getCommand().getName(), e.getMessage());
        // The details (the legacy host, the master user's name, the server's words) are for the log, not for every user.
        String what = folder.isPresent() ? "Folder " + clientName(folder.get(), session) : "The folder list";
        refuse(request, responder, what + " cannot be read from the legacy server now; try again later");
        return false;
      }
    }).subscribeOn(waits);
  }

  /**
   * Commands that neither name a folder nor read the folder list: they never wait for the skeleton (LOGOUT is
   * answered BYE at once, whatever the legacy server does).
   */
  private static boolean namesNoFolder(ImapMessage message) {
    return message instanceof LogoutRequest || message instanceof CapabilityRequest || message instanceof NoopRequest
        || message instanceof IDRequest || message instanceof EnableRequest || message instanceof NamespaceRequest
        || message instanceof CompressRequest;
  }

  /**
   * The responder of a LIST-STATUS that leaves out the STATUS of folders whose migration failed (as a STATUS of one is
   * refused), as {@link #prepare} found them for this command; any other command's as it is.
   */
  static Responder leavingOutStatus(ImapMessage message, ImapSession session, Responder responder) {
    if (!(message instanceof ListRequest list) || list.getStatusDataItems().isEmpty()
        || !(session.getAttribute(STATUS_LEFT_OUT) instanceof Set<?> leftOut)) {
      return responder;
    }
    return new Responder() {
      @Override
      public void respond(ImapResponseMessage response) {
        if (!(response instanceof MailboxStatusResponse status && leftOut.contains(status.getMailbox()))) {
          responder.respond(response);
        }
      }

      @Override
      public void flush() {
        responder.flush();
      }
    };
  }

  private static List<String> waiting(Map<String, Migrations.Access> notReady, Migrations.Access what) {
    return notReady.entrySet().stream().filter(e -> e.getValue() == what).map(Map.Entry::getKey).toList();
  }

  /** A store folder's name as the client wrote it, for the texts of untagged OKs and refusals. */
  private static String clientName(String folder, ImapSession session) {
    return FolderNames.toClient(folder, session.getMailboxSession().getPathDelimiter());
  }

  /** The server is stopping: a wait cut short from now on is not the legacy server's failure. */
  void stopping() {
    stopping = true;
  }

  /** Stops the waiting threads (the server is stopping). */
  void close() {
    stopping = true;
    waits.dispose();
  }

  /**
   * The user's legacy folder list, read on the first command that needs it, while the client hears progress lines as
   * for a folder: it may wait for a legacy connection that the migrations hold, or for a slow server (walk-through 18,
   * F7: a first LIST said nothing for 47 s, past some clients' time-outs).
   */
  private void ensureSkeleton(String user, Responder responder) throws MigrationUnavailableException {
    ProgressLines lines = new ProgressLines("Reading your folders from the legacy server, please wait", responder);
    ScheduledFuture<?> tick = tick(lines);
    try {
      migrations.ensureSkeleton(user);
    } finally {
      tick.cancel(false);
      lines.close();
    }
  }

  private ScheduledFuture<?> tick(ProgressLines lines) {
    return ticker.scheduleAtFixedRate(lines::tick, progressInterval.toMillis(), progressInterval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private boolean migrate(String user, String folder, ImapRequest request, Responder responder, ImapSession session)
      throws MigrationUnavailableException {
    String name = clientName(folder, session);
    ProgressLines lines = new ProgressLines("Migrating " + name + " from the legacy server, please wait", responder,
        name);
    ScheduledFuture<?> tick = tick(lines);
    FolderResult result;
    try {
      result = migrations.ensureFolder(user, folder, lines);
    } finally {
      tick.cancel(false);
      lines.close();
    }
    if (result.complete()) {
      return true;
    }
    LOG.warn("{} of {}: {} is not fully migrated yet: {}", request.getCommand().getName(), user, folder,
        result.reason());
    refuse(request, responder, result.outcome() == FolderResult.Outcome.FAILED
        ? waitsForOperator(folder)
        : "Folder " + folder + " is not fully migrated yet; try again later");
    return false;
  }

  private static String waitsForOperator(String folder) {
    return "Folder " + folder + " cannot be migrated until the administrator has looked at it";
  }

  private void refuse(ImapRequest request, Responder responder, String reason) {
    Replies.send(responder, responses.taggedNo(request.getTag(), request.getCommand(),
        new HumanReadableText("org.apache.james.imap.dovetail.unavailable", reason),
        ResponseCodeFix.plain("UNAVAILABLE")));
  }

  /**
   * The local folder a command needs migrated first, if any ({@link #ownName}), so that no spelling of a pending
   * folder reaches it unmigrated. James 3.8.1's requests that name a folder whose messages they read or write:
   * SELECT/EXAMINE, STATUS, APPEND, COPY, MOVE and REPLACE (its target).
   */
  private static Optional<String> folderOf(ImapMessage message, ImapSession session) {
    String name = null;
    if (message instanceof AbstractMailboxSelectionRequest select) {
      name = select.getMailboxName();
    } else if (message instanceof StatusRequest status) {
      name = status.getMailboxName();
    } else if (message instanceof AppendRequest append) {
      name = append.getMailboxName();
    } else if (message instanceof AbstractMessageRangeRequest copyOrMove) {
      name = copyOrMove.getMailboxName();
    } else if (message instanceof ReplaceRequest replace) {
      name = replace.getMailboxName();
    }
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> own = ownName(session, name);
    if (own.isEmpty() || own.get().isEmpty()) {
      return Optional.empty(); // another namespace, or none: James refuses the command itself
    }
    try {
      return Optional.of(FolderNames.toStore(own.get(), session.getMailboxSession().getPathDelimiter()));
    } catch (MailboxNameException e) {
      return Optional.empty(); // not a name the store can hold: James refuses the command itself
    }
  }

  /**
   * The user's own folder (James's name) that {@code name} stands for, resolved exactly as James's processors
   * resolve it: PathConverter, where {@code #private} plus the delimiter is the user's own namespace and INBOX is in
   * any case; "" for the namespace itself. Empty for another namespace, which James refuses.
   */
  static Optional<String> ownName(ImapSession session, String name) {
    try {
      return Optional.of(PathConverter.forSession(session).buildFullPath(name).getName());
    } catch (DeniedAccessOnSharedMailboxException e) {
      return Optional.empty();
    }
  }

  /** Untagged progress lines for one waiting command: on news, and as a keep-alive when there is none. */
  private final class ProgressLines implements MigrationListener {
    private final String waiting;
    private final Responder responder;
    private final String folder;
    private volatile Progress latest;
    private Progress lastSent;
    private int quietTicks;
    private boolean closed;

    /** @param waiting the line before any progress (and without a folder: always) */
    ProgressLines(String waiting, Responder responder) {
      this(waiting, responder, null);
    }

    ProgressLines(String waiting, Responder responder, String folder) {
      this.waiting = waiting;
      this.responder = responder;
      this.folder = folder;
    }

    @Override
    public void progress(Progress progress) {
      latest = progress;
    }

    /** No line after this returns: the command's own responses follow. */
    synchronized void close() {
      closed = true;
    }

    synchronized void tick() {
      if (closed) {
        return;
      }
      Progress now = latest;
      if (now == lastSent && ++quietTicks < 2) {
        return;
      }
      quietTicks = 0;
      lastSent = now;
      String text = now == null || folder == null ? waiting
          : "Migrating " + folder + ": " + now.messagesDone() + "/" + now.messagesTotal() + " messages";
      Replies.send(responder, responses.untaggedOk(new HumanReadableText("org.apache.james.imap.dovetail.progress", text)));
    }
  }
}
