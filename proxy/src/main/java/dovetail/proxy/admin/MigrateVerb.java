package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import dovetail.migrator.service.UserStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code migrate user [folders] [wait]}: starts the user's migration ahead of the sweeper. With {@code wait} it
 * polls the user's status while the run goes on and sends a progress line whenever it changed, then the outcome.
 * Without, it answers "started" once the user has a skeleton (the legacy login and LIST went through), so that a
 * name the legacy server refuses (a typo) is answered as with {@code wait}, not only logged.
 * The run belongs to the server: a client that goes away (Ctrl-C) stops watching, not migrating.
 */
final class MigrateVerb implements AdminVerb {
  private static final Logger LOG = LoggerFactory.getLogger(MigrateVerb.class);
  static final String FAILED = "the migration stopped on an unexpected error; the server log has the details";
  static final String CANCELLED = "the migration was cancelled (is the server stopping?)";
  /** How many polls a run without {@code wait} may take to get its skeleton before it is answered as started anyway. */
  static final int POLLS_TO_START = 15;

  private final Migrations migrations;
  private final Duration pollEvery;

  MigrateVerb(Migrations migrations, Duration pollEvery) {
    this.migrations = migrations;
    this.pollEvery = pollEvery;
  }

  @Override
  public void answer(Request request, Replies replies) throws BadRequest, IOException, InterruptedException {
    String user = request.requiredUser();
    List<String> folders = request.texts("folders");
    boolean wait = request.flag("wait");
    LOG.info("admin: migrate {}", folders.isEmpty() ? "all folders" : folders);
    CompletableFuture<UserResult> run = migrations.migrateUser(user, folders);
    ObjectNode last = null;
    for (int polls = 0; ; polls++) {
      if (!wait && !run.isDone() && (polls >= POLLS_TO_START || hasSkeleton(user))) {
        run.whenComplete((r, e) -> logEnd(user, r, e));
        replies.result(AdminJson.started(user, folders));
        return;
      }
      try {
        UserResult result = run.get(pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        logEnd(user, result, null);
        replies.result(AdminJson.migrated(result, statusAfter(user)));
        return;
      } catch (TimeoutException stillRunning) {
        if (!wait) {
          continue;
        }
        ObjectNode now = AdminJson.progress(migrations.status(user));
        if (!now.equals(last)) {
          replies.progress(now);
          last = now;
        }
      } catch (ExecutionException e) {
        answerFailure(user, e.getCause(), replies);
        return;
      } catch (CancellationException e) {
        replies.error(CANCELLED);
        return;
      }
    }
  }

  private boolean hasSkeleton(String user) {
    try {
      return migrations.status(user).skeleton();
    } catch (RuntimeException e) {
      return false; // the store cannot be read now: the run will say why
    }
  }

  /** The user's status after the run, for its summary of all folders; one that cannot be read leaves that out. */
  private UserStatus statusAfter(String user) {
    try {
      return migrations.status(user);
    } catch (RuntimeException e) {
      return UserStatus.unreadable(user, String.valueOf(e.getMessage())); // the run's own lines say why
    }
  }

  /** The legacy server being unavailable, or refusing the user, ends the run, not the admin endpoint. */
  private static void answerFailure(String user, Throwable cause, Replies replies) throws IOException {
    if (cause instanceof MigrationUnavailableException u) {
      LOG.warn("admin: migration of {} {}: {}", user, u.loginRefused() ? "refused" : "incomplete", u.getMessage());
      replies.result(AdminJson.aborted(user, u.getMessage(), u.loginRefused()));
      return;
    }
    LOG.error("admin: migration of {} failed", user, cause);
    replies.error(FAILED);
  }

  private static void logEnd(String user, UserResult r, Throwable e) {
    if (e instanceof MigrationUnavailableException u) {
      LOG.warn("admin: migration of {} {}: {}", user, u.loginRefused() ? "refused" : "incomplete", u.getMessage());
    } else if (e != null) {
      LOG.error("admin: migration of {} failed", user, e);
    } else if (r.complete()) {
      LOG.info("admin: migration of {} complete: {} messages, {} bytes", user, r.messages(), r.bytes());
    } else {
      LOG.warn("admin: migration of {} incomplete: {}", user, r.abortReason().orElse(r.incomplete().size()
          + " folders not complete"));
    }
  }
}
