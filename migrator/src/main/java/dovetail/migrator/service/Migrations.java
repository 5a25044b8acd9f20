package dovetail.migrator.service;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.UserResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The running server's migrations, shared by the on-access hook, the sweeper and the admin endpoint. At most one
 * migration runs per (user, folder): a second caller joins the one in progress. Every method that touches the
 * legacy server blocks; callers must not call them on a non-blocking (event loop) thread.
 */
public interface Migrations {

  /**
   * True when the user's skeleton was built (cheap: reads the store), even if it left a legacy folder unset: serving
   * never waits on the legacy server for it again. The sweeper and an admin's migrate refresh it.
   */
  boolean hasSkeleton(String user);

  /**
   * Builds the user's skeleton (every legacy folder, subscriptions, special-use, in state pending) unless it
   * exists. Concurrent callers for one user share one build. When some legacy folder cannot be set up (a name
   * Maildir++ cannot hold, a local folder in the way, a folder the server would not open now), the others are,
   * this returns normally, and the sweeper and an admin's migrate try that folder again.
   *
   * @throws MigrationUnavailableException when the legacy server cannot be reached, refuses the login, or answers
   *     the EXAMINE of INBOX with a NO that does not say it is gone
   */
  void ensureSkeleton(String user) throws MigrationUnavailableException;

  /**
   * As {@link #ensureSkeleton}, waiting at most {@code maxWait}: false when the build goes on after it (it waits for a
   * legacy connection, or the legacy server is slow), for a caller that must answer its client in time (POP3).
   */
  default boolean ensureSkeletonWithin(String user, java.time.Duration maxWait) throws MigrationUnavailableException {
    ensureSkeleton(user);
    return true;
  }

  /**
   * True when the legacy server's refusal of {@code user}'s login shows that the user has no account there, rather
   * than that the credentials are wrong: with a master user only, when the refusal says {@code [AUTHORIZATIONFAILED]}
   * (the master user's credentials accepted, acting as that user refused: Dovecot's answer for a user it does not
   * have), or when the master user, asked again at once as a user it logged in as before, still logs in (a wrong
   * master password gets {@code [AUTHENTICATIONFAILED]}, as does any refusal of a server that gives no code; an earlier
   * success proves nothing once the password changed on the legacy server). Blocks for that one login.
   */
  default boolean refusalMeansNoAccount(String user, MigrationUnavailableException refusal) {
    return false;
  }

  /** What a client's use of a local folder must wait for. */
  enum Access {
    /** Complete, created here, or no such folder: the command runs. */
    READY,
    /** Pending, migrating or partial: migrated first ({@link #ensureFolder}). */
    MIGRATE_FIRST,
    /**
     * Its migration failed and waits for an operator ({@code migrate -f}, whose run is the consent to what a retry
     * does): refused, as it was when it failed, never served as what was copied of it.
     */
    REFUSED_UNTIL_OPERATOR
  }

  /** What the user's local folder must wait for before a client may use it. Cheap: reads the store. */
  Access access(String user, String folder);

  /** True when the local folder exists and is not complete (pending, migrating, partial). Cheap. */
  default boolean needsMigration(String user, String folder) {
    return access(user, folder) == Access.MIGRATE_FIRST;
  }

  /** The user's local folders that are not {@link Access#READY}, in store order, each with what it waits for. */
  default Map<String, Access> foldersNotReady(String user) {
    return notReady(user, status(user).folders().stream().map(FolderStatus::folder).toList());
  }

  /** Of the user's {@code folders}, those not {@link Access#READY}, in that order, with what each waits for. */
  default Map<String, Access> notReady(String user, List<String> folders) {
    Map<String, Access> out = new LinkedHashMap<>();
    for (String folder : folders) {
      Access access = access(user, folder);
      if (access != Access.READY) {
        out.put(folder, access);
      }
    }
    return out;
  }

  /** The user's local folders for which {@link #needsMigration} is true. */
  default List<String> foldersNeedingMigration(String user) {
    return foldersNotReady(user).entrySet().stream().filter(e -> e.getValue() == Access.MIGRATE_FIRST)
        .map(Map.Entry::getKey).toList();
  }

  /**
   * Migrates one local folder, or joins its migration in progress, and waits for the end. A folder that is
   * complete, or that is not a migrated folder (created locally), returns at once with a COMPLETE result.
   *
   * @param listener receives this migration's progress (also when joining one already running)
   * @throws MigrationUnavailableException when the legacy server failed; the folder stays resumable
   */
  FolderResult ensureFolder(String user, String folder, MigrationListener listener)
      throws MigrationUnavailableException;

  /**
   * {@link #ensureFolder}, waiting at most {@code maxWait}: empty when the migration still runs then. It goes on, and a
   * later call joins it or finds the folder complete. For a client that hears nothing while it waits (POP3 at login).
   */
  java.util.Optional<FolderResult> ensureFolderWithin(String user, String folder, MigrationListener listener,
      java.time.Duration maxWait) throws MigrationUnavailableException;

  /**
   * The user logged in to Dovetail. The password, if given and without a master user, serves this user's
   * migrations while the user has a session and a bounded while after (never written anywhere); the user becomes
   * known to the sweeper and goes first while logged in.
   */
  void loggedIn(String user, Optional<String> password);

  /**
   * One session of the user ended: called once for each {@link #loggedIn}, so that the user counts as logged in
   * (first for the sweeper) only while a session lasts.
   */
  void loggedOut(String user);

  /**
   * Admin: migrates the user's remaining folders now (or only {@code folders}), ahead of the sweeper. Without
   * {@code folders} the skeleton is refreshed first, so legacy folders created since are set up; a name in
   * {@code folders} that has no local folder is set up from the legacy folder of that (legacy or local) name, even
   * one seen before. The user becomes known. The future ends when every folder asked for has had its run.
   */
  CompletableFuture<UserResult> migrateUser(String user, List<String> folders);

  /** The user's folders, their states and counters, with live progress for the folders migrating now. */
  UserStatus status(String user);

  /** Every user the process knows: sweeper_users, the users found in the store, logins, admin commands. */
  List<String> knownUsers();

  /**
   * Admin ({@code dovetail sync -1}): checks the user's complete folders (or only {@code folders}) for late legacy
   * mail now and merges it (issue #8), even outside {@code legacy_sync_window}. Without {@code folders} it also lists
   * the legacy folders and sets up and migrates those created since the skeleton, as {@link #migrateUser} does
   * ({@link LateMailReport#newFolders}). Blocks until done.
   *
   * @throws MigrationUnavailableException when the user has no migrated folders or no legacy credentials
   */
  default LateMailReport syncLateMail(String user, List<String> folders) throws MigrationUnavailableException {
    return syncLateMail(user, folders, notice -> { });
  }

  /**
   * As {@link #syncLateMail(String, List)}; {@code waitNotices} hears at once, on the calling thread, of each folder
   * whose check waits for another process holding it (a {@code backup}), so that the operator sees why nothing moves.
   */
  default LateMailReport syncLateMail(String user, List<String> folders, Consumer<String> waitNotices)
      throws MigrationUnavailableException {
    throw new MigrationUnavailableException("this server does not merge late legacy mail");
  }

  /**
   * A client opens the folder: inside {@code legacy_sync_window}, and at most once a minute per folder, the legacy
   * folder is checked for late mail first. Never throws: a legacy server that is down is logged, and the client
   * goes on with what the store has. Cheap when nothing is due.
   */
  default void lateMailOnAccess(String user, String folder) {}

  /** The background sweeper. */
  SweeperControl sweeper();
}
