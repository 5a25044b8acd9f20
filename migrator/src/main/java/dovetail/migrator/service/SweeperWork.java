package dovetail.migrator.service;

import dovetail.migrator.copy.UserResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sweeper's view of the service: which known users have work left, a user's sweep, the rate, the late mail. */
final class SweeperWork implements Sweeper.Work {
  private static final Logger LOG = LoggerFactory.getLogger(SweeperWork.class);

  private final KnownUsers known;
  private final LegacyLogins logins;
  private final UserRuns users;
  private final LateMailTriggers lateMail;
  private final RateMeter meter;

  private final Runnable rescan;

  /** @param rescan starts the sweeper's next round as soon as this one ends */
  SweeperWork(KnownUsers known, LegacyLogins logins, UserRuns users, LateMailTriggers lateMail, RateMeter meter,
      Runnable rescan) {
    this.rescan = rescan;
    this.known = known;
    this.logins = logins;
    this.users = users;
    this.lateMail = lateMail;
    this.meter = meter;
  }

  @Override
  public Sweeper.Round round() {
    List<String> toSweep = new ArrayList<>();
    Set<String> complete = new HashSet<>();
    for (String user : known.all()) {
      try {
        if (users.hasWork(user)) {
          toSweep.add(user);
        } else {
          complete.add(user);
          logins.userComplete(user);
        }
      } catch (RuntimeException e) {
        LOG.warn("sweeper: {} skipped: {}", user, e.toString());
      }
    }
    return new Sweeper.Round(toSweep, complete);
  }

  @Override
  public Sweeper.Swept sweep(String user, Sweeper gate) {
    long started = logins.now();
    UserResult r = users.migrateRemaining(user, List.of(), FolderRun.Origin.SWEEPER, gate);
    if (r.loginRefusal().isPresent()) {
      logins.refused(user, started);
    }
    if (r.abortReason().isPresent()) {
      LOG.info("sweeper: {}: not now: {}", user, r.abortReason().get());
    } else if (r.messages() > 0 || !r.incomplete().isEmpty()) {
      LOG.info("sweeper: {}: {} folders, {} messages, {} incomplete", user, r.folders().size(), r.messages(),
          r.incomplete().size());
    }
    boolean userComplete = r.complete() && !users.hasWork(user);
    if (userComplete) {
      logins.userComplete(user);
      return Sweeper.Swept.COMPLETE;
    }
    // Not now (the legacy server is down or busy): soon again. A refused login waits for the user's next one instead.
    return r.abortReason().isPresent() && r.loginRefusal().isEmpty() ? Sweeper.Swept.LEGACY_UNAVAILABLE
        : Sweeper.Swept.INCOMPLETE;
  }

  @Override
  public double rate() {
    return meter.perSecond();
  }

  /**
   * Each round ends with the late-mail check of every folder inside the window (issue #8). Legacy folders it set up
   * (made there since the user was complete) are migrated by the next round, which starts at once.
   */
  @Override
  public void afterRound() {
    if (lateMail.checkDue(known.all())) {
      rescan.run();
    }
  }
}
