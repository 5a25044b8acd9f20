package dovetail.migrator.service;

import dovetail.conf.Settings;
import dovetail.migrator.copy.ConnectionLimiter;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy server's logins as the service checks them, and what a refused one means: "no such user there" (a
 * permanent answer: an LMTP 550, the CLI's "check the name") or a problem that a fixed setting or a rerun cures. Kept
 * apart from the migrations because LMTP's recipient lookup, the skeleton build and the admin's migrate all ask the
 * same question and must get the same answer.
 */
final class LegacyLoginCheck {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyLoginCheck.class);
  private static final String AUTHORIZATION_FAILED = "AUTHORIZATIONFAILED";

  private final Settings settings;
  private final ConnectionLimiter limiter;
  private final LegacyLogins logins;
  /** The users who may stand witness when no master login worked in this process yet (those with a skeleton). */
  private final Supplier<List<String>> known;
  private final Predicate<String> readableSkeleton;
  /** The last user as whom a master-user login to the legacy server worked in this process (see {@link #masterCheck}). */
  private volatile String masterWitness;
  private final WitnessLogins<MasterCheck> witnessLogins = new WitnessLogins<>();

  LegacyLoginCheck(Settings settings, ConnectionLimiter limiter, LegacyLogins logins,
      Supplier<List<String>> known, Predicate<String> readableSkeleton) {
    this.settings = settings;
    this.limiter = limiter;
    this.logins = logins;
    this.known = known;
    this.readableSkeleton = readableSkeleton;
  }

  /** A login as {@code user} worked (a skeleton was read with it): with a master user, the user is a witness. */
  void worked(String user, LegacyLogins.Endpoints login) {
    if (login.imap().hasMasterUser()) {
      masterWitness = user;
    }
  }

  /**
   * One login before a user's store is made: a user the legacy server refuses (a typo in {@code migrate -u}) gets
   * no store, so it does not become a "known user" that the sweeper would try again every round.
   */
  void checkLogin(String user, LegacyLogins.Endpoints login) throws MigrationUnavailableException {
    LegacyImapSource source = limiter.limit(
        LegacyImapSource.create(login.imap(), LegacyEndpoints.fetchLimits(settings)), login.imap().host());
    try (LegacyImapSession session = source.open(user)) {
      LOG.debug("{}: the legacy server accepts the login", user);
      worked(user, login);
    } catch (LegacyException e) {
      String why = "the legacy server did not let " + user + " log in: " + e.getMessage();
      throw e.kind() == LegacyException.Kind.AUTH_FAILED ? MigrationUnavailableException.loginRefused(why, e)
          : new MigrationUnavailableException(why, e, false);
    }
  }

  /** Whether {@code refusal} shows that the legacy server has no account {@code user} (see {@link #masterCheck}). */
  boolean meansNoAccount(String user, MigrationUnavailableException refusal) {
    return masterCheck(user, refusal).noAccount();
  }

  /**
   * What a refused login of the master user says about the user: no account there, or nothing (the master credentials
   * may be wrong, for every user alike), with why. {@code [AUTHORIZATIONFAILED]} says it itself (RFC 5530: the master
   * user was accepted, acting as the user was not). A plain refusal ({@code [AUTHENTICATIONFAILED]}, Dovecot's answer
   * to a wrong master password, or no code) tells neither apart, and a master login that worked earlier proves
   * nothing now (walk-through 11, W4: {@code imapc_password} changed on the legacy server): so the master user logs
   * in once more, now, as a user it logged in as before (in this process, or else a user with a skeleton). One extra
   * login, only on a refusal, shared by the refusals sent before it began ({@link WitnessLogins}).
   */
  private MasterCheck masterCheck(String user, MigrationUnavailableException refusal) {
    if (!refusal.loginRefused() || !settings.imapc().hasMasterUser()) {
      return new MasterCheck(false, "");
    }
    if (masterAcceptedButNotAsUser(refusal)) {
      return new MasterCheck(true, "");
    }
    // A witness logs in as the same master user (imapc_master_user may name one per domain, admin@%d).
    Optional<String> master = settings.imapc().masterUserFor(user);
    String last = masterWitness;
    Optional<String> witness = last != null && !last.equals(user) && settings.imapc().masterUserFor(last).equals(master)
        ? Optional.of(last)
        : known.get().stream().filter(u -> !u.equals(user) && settings.imapc().masterUserFor(u).equals(master)
            && readableSkeleton.test(u)).findFirst();
    if (witness.isEmpty()) {
      return new MasterCheck(false, "and no master login has worked yet: check imapc_master_user and imapc_password"
          + " (or the name)");
    }
    return witnessLogins.check(master, user, refusal.refusedLoginSent(), witness.get(), this::witnessLogin);
  }

  /** Whether the master user logs in as {@code witness} now. */
  private MasterCheck witnessLogin(String witness) {
    try {
      checkLogin(witness, logins.forUser(witness));
      return new MasterCheck(true, "");
    } catch (MigrationUnavailableException e) {
      if (masterAcceptedButNotAsUser(e)) {
        // The witness is gone there, but the master user's credentials were accepted: that is the proof.
        masterWitness = null;
        return new MasterCheck(true, "");
      }
      LOG.info("the master user cannot log in to the legacy server as {} now: {}", witness, e.getMessage());
      return new MasterCheck(false, e.loginRefused()
          ? "and refused it now for " + witness + " too, as whom it logged in before: check imapc_master_user"
              + " and imapc_password (changed on the legacy server?)"
          : "and the master login could not be checked again now (as " + witness + ": " + e.getMessage() + ")");
    }
  }

  /** @param why when not {@code noAccount}: why the refusal may not be the user's (empty otherwise) */
  private record MasterCheck(boolean noAccount, String why) {}

  /**
   * RFC 5530: {@code AUTHORIZATIONFAILED} says that the authentication identity (the master user, with its password)
   * was accepted, and only acting as the user asked for was refused; Dovecot answers so for a user it does not have,
   * and {@code AUTHENTICATIONFAILED} for a wrong master password. Such a refusal proves the master login itself, so no
   * login is made to check it (see {@link #masterCheck}). The code of the server's answer decides, never the message,
   * which also holds the login name, the master user's name and the server's free text (review 12, F7: a text that
   * mentioned the code made a wrong master password read as "no such user", a permanent 550 for LMTP).
   */
  private boolean masterAcceptedButNotAsUser(MigrationUnavailableException e) {
    return e.loginRefused() && settings.imapc().hasMasterUser() && AUTHORIZATION_FAILED.equals(e.responseCode());
  }

  /**
   * Why the legacy server refused the user, as far as its answer tells (RFC 5530 codes, the master user). Only a
   * refusal that shows the user does not exist there is "no such user" (a rerun will not help); with a master user,
   * the master credentials may be what is wrong, for every user alike, until {@link #masterCheck} shows otherwise.
   */
  MigrationUnavailableException refused(String user, MigrationUnavailableException refusal, boolean nothingKept) {
    String detail = refusal.getMessage();
    String why;
    boolean noSuchUser = true;
    MasterCheck master;
    if (!settings.imapc().hasMasterUser()) {
      why = "the legacy server refused the login for " + user + " (no such user there, or a wrong password)";
    } else if (masterAcceptedButNotAsUser(refusal)) {
      why = "the legacy server does not know " + user + " (it accepted the master user, not acting as " + user + ")";
    } else if ((master = masterCheck(user, refusal)).noAccount()) {
      why = "the legacy server refused the login for " + user + " (no such user there: the master user logs in)";
    } else {
      why = "the legacy server refused the master user's login for " + user + ", " + master.why();
      noSuchUser = false;
    }
    return new MigrationUnavailableException(why + ": " + detail + (nothingKept ? "; nothing was kept for " + user
        + (noSuchUser ? ": check the name" : "") : ""), null, noSuchUser);
  }
}
