package dovetail.proxy.pop3;

import dovetail.conf.Pop3Settings;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import dovetail.store.MailStore;
import dovetail.store.StoreException;
import dovetail.store.UidlFormat;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a user's maildrop after login. With a legacy server, INBOX is migrated first (with UIDL matching when
 * pop3c_* is set), so that the first POP3 listing already shows the legacy UIDLs: a client that keeps mail on
 * the server must never see a UIDL it does not know for a message it already has.
 */
final class InboxAccess {
  private static final Logger LOG = LoggerFactory.getLogger(InboxAccess.class);
  /** What a login hears when INBOX is not ready within the bound: POP3 cannot say "still working". */
  static final String STILL_MIGRATING = "INBOX is being migrated; try again in a few minutes";

  /** The maildrop cannot be opened now; the message is for the client (no internals). */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  private final Function<String, MailStore> stores;
  private final Optional<Migrations> migrations;
  private final UidlFormat uidlFormat;
  private final Pop3Settings changes;
  private final Duration inboxWait;

  /**
   * @param changes how POP3 changes the maildrop (pop3_deleted_flag, pop3_no_flag_updates)
   * @param inboxWait how long a login waits for INBOX's migration before it is told to come back
   */
  InboxAccess(Function<String, MailStore> stores, Optional<Migrations> migrations, UidlFormat uidlFormat,
      Pop3Settings changes, Duration inboxWait) {
    this.stores = stores;
    this.migrations = migrations;
    this.uidlFormat = uidlFormat;
    this.changes = changes;
    this.inboxWait = inboxWait;
  }

  Maildrop open(String user) throws Unavailable {
    if (migrations.isPresent()) {
      migrateInbox(user, migrations.get());
    }
    try {
      MailStore store = stores.apply(user);
      // Dovecot creates a missing INBOX on first access; without a legacy server that is all there is to do.
      return new Maildrop(store.exists(MailStore.INBOX) ? store.open(MailStore.INBOX) : store.create(MailStore.INBOX),
          uidlFormat, changes);
    } catch (StoreException e) {
      LOG.error("POP3: INBOX of {} cannot be opened: {}", user, e.getMessage());
      throw new Unavailable("INBOX cannot be opened now");
    }
  }

  private void migrateInbox(String user, Migrations m) throws Unavailable {
    // POP3 has no way to say "still working": a client that hears nothing for a minute gives up (review 21 F7: a
    // backup's copy of INBOX held logins for as long as it ran). One bound for the folder list and INBOX together
    // (walk-through 18, F4: the list waited for a legacy connection first, and logins took 39 s); the work goes on.
    long start = System.nanoTime();
    try {
      if (!m.ensureSkeletonWithin(user, inboxWait)) {
        LOG.info("POP3: the folders of {} are still being read from the legacy server after {} s; the client is told"
            + " to try again later", user, inboxWait.toSeconds());
        throw new Unavailable(STILL_MIGRATING);
      }
      Migrations.Access access = m.access(user, MailStore.INBOX);
      if (access == Migrations.Access.REFUSED_UNTIL_OPERATOR) {
        // As when its migration failed: never the part of it that was copied, as if it were the whole maildrop.
        LOG.info("POP3: INBOX of {} is refused: its migration failed and waits for the administrator", user);
        throw new Unavailable("INBOX is not fully migrated yet; try again later");
      }
      if (access == Migrations.Access.READY) {
        return;
      }
      Duration left = inboxWait.minusNanos(System.nanoTime() - start);
      Optional<FolderResult> done = m.ensureFolderWithin(user, MailStore.INBOX, MigrationListener.NONE,
          left.isNegative() ? Duration.ZERO : left);
      if (done.isEmpty()) {
        LOG.info("POP3: INBOX of {} is still being migrated after {} s; the client is told to try again later", user,
            inboxWait.toSeconds());
        throw new Unavailable(STILL_MIGRATING);
      }
      FolderResult result = done.get();
      if (!result.complete()) {
        LOG.warn("POP3: INBOX of {} is not fully migrated ({}): {}", user, result.outcome(), result.reason());
        throw new Unavailable("INBOX is not fully migrated yet; try again later");
      }
    } catch (MigrationUnavailableException e) {
      LOG.warn("POP3: INBOX of {} needs the legacy server, which failed: {}", user, e.getMessage());
      throw new Unavailable("The legacy mail server is unavailable; try again later");
    }
  }
}
