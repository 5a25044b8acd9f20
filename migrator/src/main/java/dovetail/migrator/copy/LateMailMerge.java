package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyFolderStatus;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import dovetail.store.StoredMessage;
import dovetail.store.UidlFormat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One check of a complete folder for late legacy mail (issue #8, {@code doveadm sync -1}): mail that reached the
 * legacy folder after it was migrated. A cheap {@code STATUS} first; only when the legacy UIDNEXT moved past the
 * recorded {@link MigrationState#LEGACY_UIDNEXT} are the messages at or above it fetched and added, one commit
 * each, in legacy UID order.
 *
 * <p><b>UIDs</b> (RFC 3501 2.3.1.1: strictly ascending). A late message keeps its legacy UID when that UID is
 * still at or above the local NEXTUID; otherwise it gets the next local UID. When its legacy UID already names a
 * different local message (a delivery or APPEND since the migration), that local message is renumbered too:
 * copied under a new UID with its flags, then expunged. So no UID names two different messages for a client that
 * cached either server's state; this is dsync's rule (Dovecot's dsync-mailbox-import.c renumbers both sides of a
 * UID conflict).
 *
 * <p><b>UIDVALIDITY.</b> A legacy folder that held no message when it was migrated, and that got a new UIDVALIDITY
 * before any late mail was merged, holds late mail only: the new value is adopted ({@link LateMailUidValidity}) and
 * merging starts at its UID 1. Any other change is refused: its UIDs cannot be told from the migrated or merged ones.
 *
 * <p>Legacy expunges and flag changes are not applied: the store is the master after migration. The legacy
 * HIGHESTMODSEQ they raise is recorded, so that a client still syncing with the legacy server is told every flag again.
 */
public final class LateMailMerge {
  private static final Logger LOG = LoggerFactory.getLogger(LateMailMerge.class);

  /** What one check did. */
  public record Result(String folder, boolean checked, int merged, int renumbered, long bytes, String problem) {
    static Result notChecked(String folder, String problem) {
      return new Result(folder, false, 0, 0, 0, problem);
    }
  }

  private final Mailbox mailbox;
  private final Pop3Uidls pop3;
  private final Clock clock;
  private final Renumbering moves;
  private final UidlFormat uidlFormat;

  /** @param uidlFormat {@code pop3_uidl_format}: a renumbered message keeps the UIDL it showed */
  public LateMailMerge(Mailbox mailbox, Pop3Uidls pop3, UidlFormat uidlFormat, Clock clock) {
    this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
    this.pop3 = Objects.requireNonNull(pop3, "pop3");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uidlFormat = Objects.requireNonNull(uidlFormat, "uidlFormat");
    this.moves = new Renumbering(mailbox, uidlFormat, LateMailState.PENDING, this::record);
  }

  /**
   * Checks and merges.
   *
   * @throws LegacyException UNAVAILABLE and the like; what was merged before stays, and is recorded
   */
  public Result run(LegacyImapSession session) {
    return run(session, notice -> { });
  }

  /**
   * As {@link #run(LegacyImapSession)}; {@code waitNotice} also gets the line logged when another process holds the
   * folder first, for an operator waiting at a terminal ({@code sync -1}; review 21, F7: it showed nothing).
   */
  public Result run(LegacyImapSession session, Consumer<String> waitNotice) {
    // Not beside a migration or another check of this folder in another process (a backup beside serve).
    try (Mailbox.Hold held = mailbox.holdForMigration(() -> {
      String notice = mailbox.name() + ": another process migrates or checks this folder (a backup?); waiting for it";
      LOG.info("{}", notice);
      waitNotice.accept(notice);
    })) {
      return runHeld(session);
    }
  }

  private Result runHeld(LegacyImapSession session) {
    Map<String, String> state = mailbox.dovetailState();
    String legacyName = state.get(MigrationState.LEGACY_NAME);
    long uidValidity = LateMailUidValidity.of(state);
    long recorded = MigrationState.number(state.get(MigrationState.LEGACY_UIDNEXT));
    if (legacyName == null || uidValidity <= 0 || recorded <= 0) {
      return Result.notChecked(mailbox.name(), "its state lacks the legacy name, UIDVALIDITY or UIDNEXT");
    }
    Optional<String> namespace = session.otherUsersOrSharedNamespace(legacyName);
    if (namespace.isPresent()) {
      // Migrated by a build from before such folders were left out (walk-through 17, F1): not the user's late mail.
      String why = "the legacy folder " + legacyName + " is in the " + namespace.get() + " namespace, not the user's"
          + " own: its mail is not merged (a Dovetail build from before 2026-11-27 migrated it; delete it here)";
      recordUnchecked(why);
      LOG.warn("{}: {}", mailbox.name(), why);
      return Result.notChecked(mailbox.name(), why);
    }
    if (state.get(LateMailState.MIGRATED_UIDNEXT) == null && count(LateMailState.MERGED) == 0) {
      // A folder completed before the key existed: nothing merged yet, so the recorded UIDNEXT is still the migrated one.
      Map<String, String> migrated = Map.of(LateMailState.MIGRATED_UIDNEXT, Long.toString(recorded));
      mailbox.updateDovetailState(s -> MigrationState.merge(s, migrated));
    }
    LegacyFolderStatus status;
    try {
      status = session.status(legacyName);
    } catch (LegacyException e) {
      if (e.kind() != LegacyException.Kind.FOLDER_NOT_FOUND && e.kind() != LegacyException.Kind.FOLDER_REFUSED) {
        throw e;
      }
      // This folder's problem only: the user's other folders are still checked (a gone folder stopped them all).
      String why = "the legacy folder " + legacyName + " cannot be checked: " + e.getMessage();
      recordUnchecked(why);
      LOG.warn("{}: {}", mailbox.name(), why);
      return Result.notChecked(mailbox.name(), why);
    }
    long adoptedFrom = 0;
    // An empty legacy folder has no late mail, whatever its UIDVALIDITY (Courier gives an empty one a new one each time).
    if (status.uidValidity() > 0 && status.uidValidity() != uidValidity && status.messages() > 0) {
      if (!LateMailUidValidity.adoptable(mailbox.dovetailState(), mailbox)) {
        String why = "the legacy UIDVALIDITY changed from " + uidValidity + " to " + status.uidValidity()
            + "; its late mail cannot be told from the migrated mail and is not merged. "
            + FolderMigration.NEW_UIDVALIDITY_EVERY_SESSION;
        recordUnchecked(why);
        LOG.warn("{}: {}", mailbox.name(), why);
        return Result.notChecked(mailbox.name(), why);
      }
      // Nothing was in the legacy folder at migration, nor merged since: every message it has now is late mail
      // (adopted below, once the EXAMINE that the UIDs come from shows the same value).
      adoptedFrom = uidValidity;
      recorded = 1;
      uidValidity = status.uidValidity();
    }
    if (status.highestModSeq() > MigrationState.number(state.get(MigrationState.LEGACY_HIGHESTMODSEQ))) {
      // Flags changed on the legacy server since (a device still syncing there): the front-end raises the folder's
      // mod-sequences above this, so that such a client resyncs every flag (RFC 7162: HIGHESTMODSEQ never goes down).
      mailbox.updateDovetailState(s -> status.highestModSeq() <= MigrationState.number(
          s.get(MigrationState.LEGACY_HIGHESTMODSEQ)) ? s
          : MigrationState.merge(s, Map.of(MigrationState.LEGACY_HIGHESTMODSEQ, Long.toString(status.highestModSeq()))));
    }
    if (status.uidNext() <= recorded && mailbox.dovetailState().get(LateMailState.PENDING) == null) {
      record(cleared());
      return new Result(mailbox.name(), true, 0, 0, 0, "");
    }
    // The UIDs come from this EXAMINE: a folder made again since the STATUS is not merged under the STATUS's value
    // (review 19, F2). The session then holds the folder to this value for the fetches that follow.
    long examined = session.examine(legacyName).uidValidity();
    if (examined != uidValidity) {
      String why = "the legacy UIDVALIDITY changed during the check (STATUS " + uidValidity + ", then EXAMINE "
          + examined + "); nothing was merged, the next check looks again";
      recordUnchecked(why);
      LOG.warn("{}: {}", mailbox.name(), why);
      return Result.notChecked(mailbox.name(), why);
    }
    if (adoptedFrom > 0) {
      long adopted = uidValidity;
      mailbox.updateDovetailState(s -> MigrationState.merge(s, LateMailUidValidity.adoption(adopted)));
      LOG.info("{}: the legacy folder {} held no message when migrated and its UIDVALIDITY changed from {} to {}: its {}"
          + " messages are late mail, merged from legacy UID 1 under the new UIDVALIDITY", mailbox.name(), legacyName,
          adoptedFrom, adopted, status.messages());
    }
    List<LegacyMessageInfo> late = new ArrayList<>(session.fetchMetadata(legacyName, recorded));
    settlePending(late);
    Map<Long, Pop3Uidls.Uidl> uidls = uidls(session, legacyName, late);
    MessageFlags flags = new MessageFlags(mailbox.name(), keywords());
    int merged = 0;
    int renumbered = 0;
    long bytes = 0;
    long highestLate = late.isEmpty() ? 0 : late.get(late.size() - 1).uid();
    for (LegacyMessageInfo info : late) {
      Step step = null;
      for (int attempt = 1; step == null; attempt++) {
        try {
          Pop3Uidls.Uidl uidl = uidls.containsKey(info.uid()) ? uidls.get(info.uid())
              : assumedUidl(uidValidity, info.uid());
          step = merge(session, legacyName, info, flags, uidl, uidValidity == mailbox.uidValidity(), highestLate);
        } catch (StoreException e) {
          // A local delivery took the UID between our look and our commit: look again.
          if (e.error() != StoreError.UID_CONFLICT || attempt >= 3) {
            throw e;
          }
        }
      }
      if (step.problem() != null) {
        record(Map.of(LateMailState.ERROR, MigrationState.oneLine(step.problem())));
        return new Result(mailbox.name(), true, merged, renumbered, bytes, step.problem());
      }
      renumbered += step.renumbered() ? 1 : 0;
      if (step.bytes() >= 0) {
        merged++;
        bytes += step.bytes();
      }
    }
    Map<String, String> done = cleared();
    done.put(MigrationState.LEGACY_UIDNEXT, Long.toString(Math.max(status.uidNext(),
        MigrationState.number(mailbox.dovetailState().get(MigrationState.LEGACY_UIDNEXT)))));
    record(done);
    return new Result(mailbox.name(), true, merged, renumbered, bytes, "");
  }

  private record Step(boolean renumbered, long bytes, String problem) {}

  /**
   * One late message: the local occupant of its UID renumbered if need be, then the message added.
   *
   * @param sameNumbering whether the late mail is numbered under the folder's own UIDVALIDITY; under an adopted one
   *     (LateMailUidValidity) no client knows the legacy UIDs in this folder, so none is worth renumbering a local
   *     message for (review 19, F3)
   * @param highestLate the highest legacy UID of this check: a local message in the way moves above it, so that a
   *     later late message of the same check does not find it in its way again (review 20, F5: moved twice)
   */
  private Step merge(LegacyImapSession session, String legacyName, LegacyMessageInfo info, MessageFlags flags,
      Pop3Uidls.Uidl uidl, boolean sameNumbering, long highestLate) {
    boolean renumbered = false;
    long target = info.uid();
    String moved = null;
    // Read before the occupant moves: it keeps its UIDL, which the late message then must not take.
    Set<String> used = moves.uidlsInUse(info.uid());
    if (info.uid() < mailbox.status().nextUid()) {
      Optional<StoredMessage> occupant = sameNumbering ? mailbox.message(info.uid()) : Optional.empty();
      // The legacy server showed the occupant's UIDL for the late message (the same pop3_uidl_format at the same UID):
      // then neither keeps it, so that a keep client of either server fetches both again rather than miss one.
      boolean clash = occupant.isPresent() && moves.sameUidl(occupant.get(), info.uid(), uidl);
      if (occupant.isPresent()) {
        mailbox.raiseNextUid(highestLate + 1);
      }
      long renumberedTo = occupant.isPresent() ? renumber(occupant.get(), !clash) : 0;
      renumbered = occupant.isPresent();
      target = mailbox.status().nextUid();
      moved = target + (renumbered ? " " + renumberedTo : "");
    }
    MessageMeta meta = moves.legacyUidl(MessageMeta.withUid(target, info.internalDate(), flags.of(info)), uidl, used);
    Renumbering.Copied copied = moves.copyLegacy(session, legacyName, info, meta);
    if (copied.bytes() < 0 && copied.goneFromLegacy()) {
      Map<String, String> gone = cleared();
      gone.put(MigrationState.LEGACY_UIDNEXT, Long.toString(info.uid() + 1));
      record(gone);
      LOG.info("{}: late legacy UID {} was expunged on the legacy server before it was fetched", mailbox.name(),
          info.uid());
      return new Step(renumbered, -1, null);
    }
    if (copied.bytes() < 0) {
      record(cleared());
      return new Step(renumbered, 0, "late legacy UID " + info.uid() + " could not be fetched ("
          + copied.failure() + "); the next check tries again");
    }
    Map<String, String> after = new HashMap<>();
    after.put(LateMailState.PENDING, null);
    after.put(MigrationState.LEGACY_UIDNEXT, Long.toString(info.uid() + 1));
    after.put(LateMailState.MERGED, Long.toString(count(LateMailState.MERGED) + 1));
    if (moved != null) {
      after.put(LateMailState.MOVED_PREFIX + info.uid(), moved);
    }
    record(after);
    LOG.info("{}: late legacy UID {} merged as UID {}", mailbox.name(), info.uid(), target);
    return new Step(renumbered, copied.bytes(), null);
  }

  /** Gives a local message a new UID (see {@link Renumbering#renumber}); the count of renumberings goes up. */
  private long renumber(StoredMessage old, boolean keepUidl) {
    long fresh = moves.renumber(old, renumbered(), keepUidl);
    LOG.info("{}: local UID {} renumbered to UID {}: a late legacy message had its UID", mailbox.name(), old.uid(),
        fresh);
    return fresh;
  }

  private Map<String, String> renumbered() {
    return Map.of(LateMailState.RENUMBERED, Long.toString(count(LateMailState.RENUMBERED) + 1));
  }

  /**
   * A step a kill interrupted. A renumbering whose copy committed is finished; a late message whose commit went
   * through (the message at the noted UID has the legacy date and size) is not fetched again.
   */
  private void settlePending(List<LegacyMessageInfo> late) {
    Optional<Renumbering.Pending> pending = moves.pending();
    if (pending.isEmpty()) {
      return;
    }
    Renumbering.Pending p = pending.get();
    if (p.kind().equals(Renumbering.RENUMBER)) {
      moves.settleRenumber(p, renumbered());
      return;
    }
    if (!late.isEmpty() && moves.landed(p, late.get(0))) {
      late.remove(0);
      Map<String, String> after = new HashMap<>();
      after.put(LateMailState.PENDING, null);
      after.put(MigrationState.LEGACY_UIDNEXT, Long.toString(p.from() + 1));
      after.put(LateMailState.MERGED, Long.toString(count(LateMailState.MERGED) + 1));
      record(after);
      return;
    }
    record(cleared());
  }

  /** POP3 UIDLs of the late messages, when the folder has them; without them when the maildrops do not match. */
  private Map<Long, Pop3Uidls.Uidl> uidls(LegacyImapSession session, String legacyName, List<LegacyMessageInfo> late) {
    if (late.isEmpty() || !pop3.appliesTo(mailbox.name())) {
      return Map.of();
    }
    try {
      // The matcher needs the whole legacy maildrop, not only the late part.
      Map<Long, Pop3Uidls.Uidl> all = pop3.assign(session, legacyName, session.fetchMetadata(legacyName, 1));
      Set<Long> wanted = new HashSet<>();
      late.forEach(m -> wanted.add(m.uid()));
      Map<Long, Pop3Uidls.Uidl> out = new HashMap<>();
      all.forEach((uid, uidl) -> {
        if (wanted.contains(uid)) {
          out.put(uid, uidl);
        }
      });
      return out;
    } catch (Pop3Uidls.MismatchException | LegacyException e) {
      LOG.warn("{}: late messages merged without their legacy POP3 UIDLs: {}", mailbox.name(), e.getMessage());
      return Map.of();
    }
  }

  /**
   * Without the legacy POP3 server's word, the UIDL Dovetail takes the legacy server to have shown (as for migrated
   * mail): {@code pop3_uidl_format} at the legacy UID and UIDVALIDITY. Given only where that is not the store's own
   * UIDVALIDITY (one adopted for late mail), in a folder POP3 serves; null elsewhere, as the format gives it anyway.
   */
  private Pop3Uidls.Uidl assumedUidl(long legacyUidValidity, long legacyUid) {
    boolean pop3Folder = MailStore.INBOX.equals(mailbox.name()) || pop3.appliesTo(mailbox.name());
    if (!pop3Folder || legacyUidValidity == mailbox.uidValidity()) {
      return null;
    }
    String shown = uidlFormat.forUid(legacyUidValidity, legacyUid);
    return shown == null ? null : new Pop3Uidls.Uidl(shown, 0);
  }

  private Set<String> keywords() {
    Set<String> keywords = new HashSet<>();
    for (StoredMessage m : mailbox.messages()) {
      keywords.addAll(m.flags().keywords());
    }
    return keywords;
  }

  private Map<String, String> cleared() {
    Map<String, String> m = new HashMap<>();
    m.put(LateMailState.ERROR, null);
    m.put(LateMailState.PENDING, null);
    return m;
  }

  private long count(String key) {
    return Math.max(0, MigrationState.number(mailbox.dovetailState().get(key)));
  }

  /**
   * Records why the folder could not be checked, without stamping a check: status's legacy_checked is what the
   * runbook watches to see the checks run.
   */
  private void recordUnchecked(String why) {
    mailbox.updateDovetailState(s -> MigrationState.merge(s, Map.of(LateMailState.ERROR, MigrationState.oneLine(why))));
  }

  /** Merges {@code updates} into the state and stamps the check. */
  private void record(Map<String, String> updates) {
    Map<String, String> all = new HashMap<>(updates);
    all.put(LateMailState.CHECKED, clock.instant().toString());
    mailbox.updateDovetailState(s -> MigrationState.merge(s, all));
  }

}
