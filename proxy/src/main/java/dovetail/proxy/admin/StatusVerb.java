package dovetail.proxy.admin;

import dovetail.migrator.service.Migrations;
import dovetail.migrator.service.UserStatus;
import dovetail.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code status [user]}: one user's folders, or every known user's; see {@link AdminJson#status}. */
final class StatusVerb implements AdminVerb {
  private static final Logger LOG = LoggerFactory.getLogger(StatusVerb.class);

  private final Migrations migrations;

  StatusVerb(Migrations migrations) {
    this.migrations = migrations;
  }

  @Override
  public void answer(Request request, Replies replies) throws BadRequest, IOException {
    Optional<String> user = request.user();
    List<String> users = user.isPresent() ? List.of(user.get()) : migrations.knownUsers();
    List<UserStatus> statuses = new ArrayList<>(users.size());
    for (String u : users) {
      statuses.add(statusOf(u));
    }
    replies.result(AdminJson.status(statuses));
  }

  /**
   * One user's unreadable store must not take the runbook's status of every user away: that user says why, with
   * {@code -u} as without (it said "internal error" there; walk-through 11, W10).
   */
  private UserStatus statusOf(String user) {
    try {
      return migrations.status(user);
    } catch (RuntimeException e) {
      LOG.warn("admin: status of {} cannot be read", user, e);
      return UserStatus.unreadable(user, "status cannot be read: " + operatorText(e));
    }
  }

  /** The store's own errors are written for operators; anything else may be internals, kept for the log. */
  private static String operatorText(RuntimeException e) {
    return e instanceof StoreException || e instanceof UncheckedIOException ? e.getMessage()
        : AdminConnection.INTERNAL;
  }
}
