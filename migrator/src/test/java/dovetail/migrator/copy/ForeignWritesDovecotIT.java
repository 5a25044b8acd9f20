package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.FolderResult.Outcome;
import dovetail.migrator.service.FolderStatus;
import dovetail.migrator.service.MigrationService;
import dovetail.migrator.verify.UserVerifier;
import dovetail.migrator.verify.VerifyReport;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock Dovecot writing the store while Dovetail migrates a folder into it (the README allows both at once): its
 * APPENDs and LDA deliveries take the folder's next UID, which during the migration is a legacy UID. Nothing lost,
 * nothing invented: a legacy message whose UID Dovecot took is never silently left out (the folder fails, naming
 * it, with everything else copied); the operator's run of the failed folder copies it under a new UID above the
 * legacy UIDNEXT and moves Dovecot's message there too; every byte, flag and date is kept, and Dovecot, serving the
 * store throughout, reports no problem.
 */
class ForeignWritesDovecotIT {
  private static final String FOLDER = "Work";
  private static final int PER_FOLDER = 150;

  private record Setup(DovecotServer legacy, DovecotServer dovecot, Path conf, Settings settings,
      TreeMap<Long, Views.MessageView> expected, long legacyUidNext) implements AutoCloseable {
    @Override
    public void close() {
      dovecot.close();
      legacy.close();
    }

    MailStore store() {
      return MaildirStore.open(dovecot.maildir(DovecotLegacy.USER), StoreOptions.DEFAULT);
    }

    Mailbox box() {
      return store().open(FOLDER);
    }

    /** The store's messages, uid -> view, read directly. */
    TreeMap<Long, Views.MessageView> local() {
      TreeMap<Long, Views.MessageView> out = new TreeMap<>();
      Views.store(store(), FOLDER).messages().forEach(m -> out.put(m.uid(), m));
      return out;
    }
  }

  private static Setup setup(Path tmp) throws IOException {
    DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> KillCorpus.write(root, PER_FOLDER, 21), "");
    Path judgeDir = tmp.resolve("judge");
    // The Dovecot that shares the store with Dovetail, running all along.
    DovecotServer dovecot = DovecotLegacy.judge(judgeDir);
    Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), DovecotLegacy.mailLocation(judgeDir),
        "mail_prefetch_count = 10", "dsync_commit_msgs_interval = 25");
    Views.FolderView view;
    try (ImapProbe probe = ImapProbe.login(legacy, DovecotLegacy.USER)) {
      view = Views.imap(probe, FOLDER);
    }
    TreeMap<Long, Views.MessageView> expected = new TreeMap<>();
    view.messages().forEach(m -> expected.put(m.uid(), m));
    return new Setup(legacy, dovecot, conf, ConfigLoader.load(conf, List.of()), expected, view.uidNext());
  }

  /** Live: Dovecot APPENDs three messages while the migration has 25 messages committed and 15 more in flight. */
  @Test
  void dovecotAppendingDuringTheMigrationCostsNoLegacyMessage(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp)) {
      List<Long> appended = new ArrayList<>();
      Map<Long, String> foreign = new TreeMap<>();
      UserResult first = backup(s).run(List.of(FOLDER), new MigrationListener() {
        @Override
        public void progress(Progress p) {
          if (p.messagesDone() == 40 && appended.isEmpty()) {
            try (ImapProbe dovecot = ImapProbe.login(s.dovecot(), DovecotLegacy.USER)) {
              for (int i = 0; i < 3; i++) {
                byte[] bytes = ("From: lda@example.org\r\nSubject: delivered by Dovecot " + i + "\r\n\r\nfrom Dovecot\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
                long uid = dovecot.append(FOLDER, bytes, List.of("\\Flagged"), Instant.parse("2024-03-0" + (i + 1)
                    + "T10:00:00Z")).uid();
                appended.add(uid);
                foreign.put(uid, storedSha(s, uid)); // Dovecot stores LF line ends (mail_save_crlf = no)
              }
            }
          }
        }
      });
      assertEquals(3, appended.size(), "the test appends while the folder migrates");
      long committed = s.expected().keySet().stream().skip(24).findFirst().orElseThrow();
      assertEquals(committed + 1, appended.get(0), "Dovecot took the legacy UID after the first commit");

      FolderResult failed = folder(first);
      assertEquals(Outcome.FAILED, failed.outcome(), failed.toString());
      TreeSet<Long> taken = new TreeSet<>(s.expected().subMap(committed, false, appended.get(2), true).keySet());
      assertFalse(taken.isEmpty());
      assertTrue(failed.reason().startsWith(uids(taken) + " (" + taken.size()
          + (taken.size() == 1 ? " message) cannot keep its UID" : " messages) cannot keep their UIDs")), failed.reason());
      assertEquals("failed", s.box().dovetailState().get(MigrationState.STATE));
      assertEquals(failed.reason(), s.box().dovetailState().get(MigrationState.ERROR), "status shows it whole");
      assertEquals(s.expected().size() - taken.size(), failed.messages(), "the batch Dovecot broke counts once");
      // Everything else is copied, under its own UID; Dovecot's messages are untouched.
      TreeMap<Long, Views.MessageView> local = s.local();
      s.expected().forEach((uid, m) -> {
        if (!taken.contains(uid)) {
          assertEquals(m, local.get(uid), "legacy UID " + uid);
        }
      });
      foreign.forEach((uid, sha) -> assertEquals(sha, local.get(uid).sha256(), "Dovecot's UID " + uid));

      UserResult second = backup(s).run(List.of(FOLDER), MigrationListener.NONE);
      FolderResult done = folder(second);
      assertEquals(Outcome.COMPLETE, done.outcome(), done.toString());
      assertEquals(taken.size(), done.messages(), "the run copied the taken legacy messages: " + done);
      assertTrue(done.warnings().stream().anyMatch(w -> w.startsWith("legacy UIDs " + ForeignWrites.ranges(taken)
          + " copied as UIDs ")), done.warnings().toString());
      assertNothingLostNothingInvented(s, taken, foreign.values());
      // verify: no difference; the legacy messages under new UIDs are listed where they are, and Dovecot's own
      // messages, moved above the legacy UIDNEXT, are local mail.
      VerifyReport report = UserVerifier.of(s.settings(), DovecotLegacy.USER).verify(DovecotLegacy.USER);
      assertEquals(List.of(), report.differences().stream().filter(d -> d.folder().equals(FOLDER)).toList());
      assertEquals(new ArrayList<>(taken), report.renumbered().stream().filter(d -> d.folder().equals(FOLDER))
          .map(d -> d.uid()).toList(), report.renumbered().toString());
    }
  }

  /**
   * Review 22, F1: Dovecot APPENDs two messages into a gap of the legacy UIDs and its user expunges the first. The
   * commit's check for foreign messages stopped at that hole and missed the second; a later run that resumed the folder
   * then took it for a copy the legacy server had expunged since, and deleted it (the user's only copy).
   */
  @Test
  void dovecotsMessageBehindAnExpungedOneInALegacyGapIsKept(@TempDir Path tmp) throws Exception {
    try (Setup whole = setup(tmp)) {
      List<Long> legacyUids = new ArrayList<>(whole.expected().keySet());
      try (ImapProbe legacy = ImapProbe.login(whole.legacy(), DovecotLegacy.USER)) {
        legacy.expunge(FOLDER, List.of(legacyUids.get(25), legacyUids.get(26))); // a gap right after the 25th
      }
      TreeMap<Long, Views.MessageView> expected = new TreeMap<>(whole.expected());
      expected.remove(legacyUids.remove(26));
      expected.remove(legacyUids.remove(25));
      Setup s = new Setup(whole.legacy(), whole.dovecot(), whole.conf(), whole.settings(), expected,
          whole.legacyUidNext());
      int conflictAt = 50; // a commit after which the next UID is a legacy one, for Dovecot to take
      while (legacyUids.get(conflictAt) != legacyUids.get(conflictAt - 1) + 1) {
        conflictAt += 25;
      }
      int takeAt = conflictAt + 15;
      Map<Long, String> foreign = new TreeMap<>();
      UserResult first = backup(s).run(List.of(FOLDER), new MigrationListener() {
        @Override
        public void progress(Progress p) {
          if (p.messagesDone() == 40 && foreign.isEmpty()) { // 25 committed: the next UIDs are the gap's
            try (ImapProbe dovecot = ImapProbe.login(s.dovecot(), DovecotLegacy.USER)) {
              long deleted = dovecot.append(FOLDER, dovecotMessage("deleted by its user"), List.of(), null).uid();
              long kept = dovecot.append(FOLDER, dovecotMessage("kept by its user"), List.of(), null).uid();
              dovecot.expunge(FOLDER, List.of(deleted));
              foreign.put(kept, storedSha(s, kept));
            }
          } else if (p.messagesDone() == takeAt && foreign.size() == 1) { // this one takes a legacy UID
            try (ImapProbe dovecot = ImapProbe.login(s.dovecot(), DovecotLegacy.USER)) {
              long uid = dovecot.append(FOLDER, dovecotMessage("takes a legacy UID"), List.of(), null).uid();
              foreign.put(uid, storedSha(s, uid));
            }
          }
        }
      });
      assertEquals(2, foreign.size(), "the test's appends: " + foreign);
      long kept = foreign.keySet().iterator().next();
      assertTrue(kept < legacyUids.get(25), "Dovecot's message is in the legacy gap: " + kept);
      FolderResult failed = folder(first);
      assertEquals(Outcome.FAILED, failed.outcome(), failed.toString());
      TreeSet<Long> taken = new TreeSet<>(ForeignWrites.uids(s.box().dovetailState(), ForeignWrites.TAKEN_PREFIX)
          .keySet());
      assertFalse(taken.isEmpty(), s.box().dovetailState().toString());

      FolderResult done = folder(backup(s).run(List.of(FOLDER), MigrationListener.NONE)); // the operator's run
      assertEquals(Outcome.COMPLETE, done.outcome(), done.toString());
      assertNothingLostNothingInvented(s, taken, foreign.values());
    }
  }

  private static byte[] dovecotMessage(String what) {
    return ("From: lda@example.org\r\nSubject: Dovecot's, " + what + "\r\n\r\nfrom Dovecot\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Crash: Dovetail killed mid-folder, Dovecot APPENDs, then the migration runs again (twice: fail, then resolve). */
  @Test
  void dovecotAppendingAfterAKillCostsNoLegacyMessage(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp)) {
      ChildJvm killed = ChildJvm.start("-Xmx256m", s.conf(), DovecotLegacy.USER, "--halt-after", "60", "-f", FOLDER);
      assertEquals(137, killed.waitFor(60), killed.output());
      long committed = s.expected().keySet().stream().skip(49).findFirst().orElseThrow();
      assertEquals(committed + 1, s.box().status().nextUid(), "two commits of 25 landed");

      Map<Long, String> foreign = new TreeMap<>();
      byte[] bytes = "From: lda@example.org\r\nSubject: after the kill\r\n\r\nfrom Dovecot\r\n".getBytes(StandardCharsets.US_ASCII);
      try (ImapProbe dovecot = ImapProbe.login(s.dovecot(), DovecotLegacy.USER)) {
        long uid = dovecot.append(FOLDER, bytes, List.of(), null).uid();
        foreign.put(uid, storedSha(s, uid));
      }
      long taken = foreign.keySet().iterator().next();
      assertEquals(committed + 1, taken, "Dovecot took the next legacy UID");

      ChildJvm again = ChildJvm.start("-Xmx256m", s.conf(), DovecotLegacy.USER, "-f", FOLDER);
      assertEquals(2, again.waitFor(60), again.output());
      assertTrue(again.resultLine().contains("legacy UID " + taken + " (1 message) cannot keep its UID"),
          again.resultLine());
      assertEquals(foreign.get(taken), s.local().get(taken).sha256(), "Dovecot's message keeps its UID meanwhile");

      ChildJvm last = ChildJvm.start("-Xmx256m", s.conf(), DovecotLegacy.USER, "-f", FOLDER);
      assertEquals(0, last.waitFor(60), last.output());
      assertNothingLostNothingInvented(s, new TreeSet<>(List.of(taken)), foreign.values());
    }
  }

  /**
   * A kill between a commit and its record (or a folder a Dovetail before this change left partial): the messages
   * above the recorded UID are the legacy ones, byte for byte, and are kept; only the one Dovecot stored is foreign.
   */
  @Test
  void messagesCommittedWithoutTheirRecordAreKeptAndOnlyDovecotsMessageIsForeign(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp)) {
      ChildJvm killed = ChildJvm.start("-Xmx256m", s.conf(), DovecotLegacy.USER, "--halt-after", "60", "-f", FOLDER);
      assertEquals(137, killed.waitFor(60), killed.output());
      long recorded = s.expected().keySet().stream().skip(19).findFirst().orElseThrow();
      s.box().updateDovetailState(st -> {
        Map<String, String> m = new HashMap<>(st);
        m.put(ForeignWrites.COMMITTED, Long.toString(recorded)); // as if the record of the next commit was cut off
        return m;
      });
      Map<Long, String> foreign = new TreeMap<>();
      byte[] bytes = "From: lda@example.org\r\nSubject: after the kill\r\n\r\nfrom Dovecot\r\n".getBytes(StandardCharsets.US_ASCII);
      try (ImapProbe dovecot = ImapProbe.login(s.dovecot(), DovecotLegacy.USER)) {
        long uid = dovecot.append(FOLDER, bytes, List.of(), null).uid();
        foreign.put(uid, storedSha(s, uid));
      }
      long taken = foreign.keySet().iterator().next();

      UserResult first = backup(s).run(List.of(FOLDER), MigrationListener.NONE);
      FolderResult failed = folder(first);
      assertEquals(Outcome.FAILED, failed.outcome(), failed.toString());
      assertTrue(failed.reason().startsWith("legacy UID " + taken + " (1 message) cannot keep its UID"), failed.reason());

      UserResult second = backup(s).run(List.of(FOLDER), MigrationListener.NONE);
      assertEquals(Outcome.COMPLETE, folder(second).outcome(), folder(second).toString());
      assertNothingLostNothingInvented(s, new TreeSet<>(List.of(taken)), foreign.values());
    }
  }

  /**
   * A pending folder (skeleton built, nothing copied) that Dovecot's LDA delivers to, as an MTA still pointed at the
   * Dovecot LDA would: the deliveries take legacy UIDs 1 and up.
   */
  @Test
  void dovecotLdaDeliveringToAPendingFolderCostsNoLegacyMessage(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp)) {
      backup(s).run(List.of("no such folder"), MigrationListener.NONE); // the skeleton only
      assertEquals("pending", s.box().dovetailState().get(MigrationState.STATE));
      for (int i = 0; i < 2; i++) {
        byte[] bytes = ("From: mta@example.org\r\nSubject: LDA " + i + "\r\n\r\nvia dovecot-lda\n").getBytes(StandardCharsets.US_ASCII);
        lda(s.dovecot(), FOLDER, bytes);
      }
      TreeMap<Long, Views.MessageView> before = s.local();
      assertEquals(List.of(1L, 2L), new ArrayList<>(before.keySet()), "the LDA took UIDs 1 and 2");
      List<String> foreignShas = new ArrayList<>();
      before.values().forEach(m -> foreignShas.add(m.sha256()));
      TreeSet<Long> taken = new TreeSet<>(s.expected().headMap(3L).keySet());
      assertFalse(taken.isEmpty(), "the corpus starts at UID 1 or 2");

      FolderResult failed = folder(backup(s).run(List.of(FOLDER), MigrationListener.NONE));
      assertEquals(Outcome.FAILED, failed.outcome(), failed.toString());
      assertTrue(failed.reason().startsWith(uids(taken) + " ("), failed.reason());

      assertEquals(Outcome.COMPLETE, folder(backup(s).run(List.of(FOLDER), MigrationListener.NONE)).outcome());
      assertNothingLostNothingInvented(s, taken, foreignShas);
    }
  }

  /**
   * POP3: Dovecot's LDA takes INBOX's legacy UIDs 1 and 2; Dovecot on the store and the legacy server then both show
   * {@code %08Xu%08Xv} of UIDs 1 and 2, for different messages. A keep client of either may hold those UIDLs, so after
   * the operator's run neither message shows them (both are fetched again rather than one never): no UIDL that either
   * server showed names another message afterwards.
   */
  @Test
  void aUidlBothServersShowedForDifferentMessagesNamesNeitherAfterwards(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp)) {
      backup(s).run(List.of("no such folder"), MigrationListener.NONE); // the skeleton only
      for (int i = 0; i < 2; i++) {
        lda(s.dovecot(), "INBOX", ("From: mta@example.org\r\nSubject: LDA " + i + "\r\n\r\nvia dovecot-lda\n")
            .getBytes(StandardCharsets.US_ASCII));
      }
      Map<String, TreeSet<String>> seen = new HashMap<>();
      for (DovecotServer server : List.of(s.dovecot(), s.legacy())) {
        Pop3Probe.retrieveAll(server, DovecotLegacy.USER)
            .forEach(m -> seen.computeIfAbsent(m.uidl(), k -> new TreeSet<>()).add(m.sha256()));
      }
      assertTrue(seen.values().stream().anyMatch(shas -> shas.size() == 2), "the servers showed a UIDL twice: " + seen);
      int legacyCount = Pop3Probe.list(s.legacy(), DovecotLegacy.USER).size();
      assertEquals(Outcome.FAILED, folder(backup(s).run(List.of("INBOX"), MigrationListener.NONE), "INBOX").outcome());
      assertEquals(Outcome.COMPLETE, folder(backup(s).run(List.of("INBOX"), MigrationListener.NONE), "INBOX").outcome());

      List<Pop3Probe.Pop3Message> after = Pop3Probe.retrieveAll(s.dovecot(), DovecotLegacy.USER);
      assertEquals(legacyCount + 2, after.size());
      assertEquals(after.size(), after.stream().map(Pop3Probe.Pop3Message::uidl).distinct().count(), "distinct UIDLs");
      for (Pop3Probe.Pop3Message m : after) {
        TreeSet<String> before = seen.get(m.uidl());
        assertTrue(before == null || before.equals(new TreeSet<>(List.of(m.sha256()))),
            "UIDL " + m.uidl() + " names " + m.sha256() + " now, and named " + before + " before");
      }
    }
  }

  /**
   * In the running server: a client's access (or the sweeper) never runs the failed folder, so never gives the consent;
   * the admin's {@code migrate -f} does, and completes it.
   */
  @Test
  void inTheServerOnlyTheAdminsMigrateOfTheFailedFolderGivesNewUids(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp);
        MigrationService service = MigrationService.create(ConfigLoader.load(s.conf(), List.of("sweeper=no")),
            new ConnectionLimiter(4), Clock.systemUTC())) {
      service.ensureSkeleton(DovecotLegacy.USER);
      lda(s.dovecot(), FOLDER, "From: mta@example.org\r\nSubject: LDA\r\n\r\nvia dovecot-lda\n".getBytes(StandardCharsets.US_ASCII));
      String foreignSha = s.local().get(1L).sha256();
      TreeSet<Long> taken = new TreeSet<>(s.expected().headMap(2L).keySet());
      assertFalse(taken.isEmpty(), "the corpus starts at UID 1");

      assertTrue(service.needsMigration(DovecotLegacy.USER, FOLDER));
      FolderResult onAccess = service.ensureFolder(DovecotLegacy.USER, FOLDER, MigrationListener.NONE);
      assertEquals(Outcome.FAILED, onAccess.outcome(), onAccess.toString());
      assertFalse(service.needsMigration(DovecotLegacy.USER, FOLDER), "clients do not run it again");
      assertFalse(service.foldersNeedingMigration(DovecotLegacy.USER).contains(FOLDER));
      FolderStatus status = service.status(DovecotLegacy.USER).folders().stream()
          .filter(f -> f.folder().equals(FOLDER)).findFirst().orElseThrow();
      assertEquals("failed", status.state());
      assertTrue(status.error().orElse("").contains("cannot keep its UID: another program"), status.toString());
      // Counted as what they are (walk-through 7, W3: it said 100 %, Dovecot's message counted as a legacy one).
      long legacy = s.expected().size();
      assertEquals(List.of(legacy - taken.size(), legacy, 1L, -1L),
          List.of(status.messagesDone(), status.messagesTotal(), status.messagesLocal(), status.bytesTotal()),
          status.toString());

      UserResult admin = service.migrateUser(DovecotLegacy.USER, List.of(FOLDER)).get(60, TimeUnit.SECONDS);
      assertTrue(admin.complete(), admin.toString());
      assertNothingLostNothingInvented(s, taken, List.of(foreignSha));
      // The legacy message under a new UID is the migration's; Dovecot's, moved up too, is local mail.
      status = service.status(DovecotLegacy.USER).folders().stream()
          .filter(f -> f.folder().equals(FOLDER)).findFirst().orElseThrow();
      assertEquals(List.of("complete", legacy, legacy, 1L, 0L), List.of(status.state(),
          status.messagesDone(), status.messagesTotal(), status.messagesLocal(), status.messagesExpunged()),
          status.toString());
    }
  }

  /**
   * A kill in the operator's run, after the copy of a renumbering committed and before the old UID was expunged (its
   * note left in the state): the next run finishes that step instead of keeping two copies, and completes.
   */
  @Test
  void aRenumberingAKillCutShortIsFinishedByTheNextRun(@TempDir Path tmp) throws Exception {
    try (Setup s = setup(tmp)) {
      backup(s).run(List.of("no such folder"), MigrationListener.NONE); // the skeleton only
      lda(s.dovecot(), FOLDER, "From: mta@example.org\r\nSubject: LDA\r\n\r\nvia dovecot-lda\n".getBytes(StandardCharsets.US_ASCII));
      TreeSet<Long> taken = new TreeSet<>(s.expected().headMap(2L).keySet());
      assertFalse(taken.isEmpty(), "the corpus starts at UID 1");
      String foreignSha = s.local().get(1L).sha256();
      assertEquals(Outcome.FAILED, folder(backup(s).run(List.of(FOLDER), MigrationListener.NONE)).outcome());

      // What the operator's run does first, cut short: NEXTUID raised, the foreign message copied, the note written.
      Mailbox box = s.box();
      box.raiseNextUid(s.legacyUidNext());
      dovetail.store.StoredMessage old = box.message(1L).orElseThrow();
      long copy = box.status().nextUid();
      box.updateDovetailState(st -> {
        Map<String, String> m = new HashMap<>(st);
        m.put(ForeignWrites.PENDING, "renumber 1 " + copy);
        return m;
      });
      try (java.io.InputStream in = box.openContent(1L)) {
        box.append(new dovetail.store.MessageMeta(copy, old.internalDate(), old.flags(), old.pop3Uidl(), old.pop3Order()),
            in);
      }
      s.dovecot().chownStore(DovecotLegacy.USER);

      assertEquals(Outcome.COMPLETE, folder(backup(s).run(List.of(FOLDER), MigrationListener.NONE)).outcome());
      assertNothingLostNothingInvented(s, taken, List.of(foreignSha));
      assertEquals(foreignSha, s.local().get(copy).sha256(), "the copy the killed run made is the one kept");
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * Every legacy message is in the store with its bytes, flags, date and size: under its UID, or (one that Dovecot
   * took) under the UID its move record names, above the legacy UIDNEXT; every Dovecot message is there once, above
   * the legacy UIDNEXT too; nothing else is; and Dovecot, which served the store all along, shows the same.
   */
  private static void assertNothingLostNothingInvented(Setup s, TreeSet<Long> taken, java.util.Collection<String> foreign) {
    Mailbox box = s.box();
    Map<String, String> state = box.dovetailState();
    assertEquals("complete", state.get(MigrationState.STATE));
    TreeMap<Long, Views.MessageView> local = s.local();
    TreeSet<Long> accounted = new TreeSet<>();
    s.expected().forEach((uid, m) -> {
      if (!taken.contains(uid)) {
        assertEquals(m, local.get(uid), "legacy UID " + uid + " under its own UID");
        accounted.add(uid);
        return;
      }
      String moved = state.get(LateMailState.MOVED_PREFIX + uid);
      assertNotNull(moved, "legacy UID " + uid + " has a move record: " + state);
      long to = Long.parseLong(moved.split(" ")[0]);
      assertTrue(to >= s.legacyUidNext(), "moved above the legacy UIDNEXT: " + to);
      Views.MessageView there = local.get(to);
      assertNotNull(there, "legacy UID " + uid + " is at UID " + to);
      assertEquals(new Views.MessageView(to, m.flags(), m.internalDate(), m.size(), m.sha256()), there,
          "legacy UID " + uid + " moved to " + to);
      accounted.add(to);
    });
    List<String> rest = new ArrayList<>();
    local.forEach((uid, m) -> {
      if (!accounted.contains(uid)) {
        assertTrue(uid >= s.legacyUidNext(), "a message that is not the legacy one below the legacy UIDNEXT: " + uid);
        rest.add(m.sha256());
      }
    });
    assertEquals(new TreeSet<>(foreign), new TreeSet<>(rest), "Dovecot's messages, each once");
    assertEquals(foreign.size(), rest.size());
    for (String key : state.keySet()) {
      assertFalse(key.startsWith(ForeignWrites.TAKEN_PREFIX) || key.startsWith(ForeignWrites.FOREIGN_PREFIX)
          || key.equals(ForeignWrites.PENDING), "left in the state: " + key);
    }
    try (ImapProbe dovecot = ImapProbe.login(s.dovecot(), DovecotLegacy.USER)) {
      // Dovecot's own messages are stored with LF and served with CRLF: their bytes are compared above.
      List<Views.MessageView> served = Views.imap(dovecot, FOLDER).messages().stream()
          .map(m -> accounted.contains(m.uid()) ? m : new Views.MessageView(m.uid(), m.flags(), m.internalDate(), m.size(), ""))
          .toList();
      List<Views.MessageView> stored = local.values().stream()
          .map(m -> accounted.contains(m.uid()) ? m : new Views.MessageView(m.uid(), m.flags(), m.internalDate(), m.size(), ""))
          .toList();
      assertEquals(stored, served, "Dovecot serves the same");
    }
    assertEquals(List.of(), s.dovecot().logProblems());
  }

  private static String uids(java.util.Set<Long> taken) {
    return (taken.size() == 1 ? "legacy UID " : "legacy UIDs ") + ForeignWrites.ranges(taken);
  }

  /** The sha256 of a message as the store holds it. */
  private static String storedSha(Setup s, long uid) {
    try (java.io.InputStream in = s.box().openContent(uid)) {
      return Views.sha256(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Backup backup(Setup s) {
    return Backup.of(s.settings(), DovecotLegacy.USER, false, new ConnectionLimiter(4), Clock.systemUTC());
  }

  private static FolderResult folder(UserResult r) {
    return folder(r, FOLDER);
  }

  private static FolderResult folder(UserResult r, String name) {
    return r.folders().stream().filter(f -> f.folder().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no result for " + name + ": " + r));
  }

  /** One delivery through Dovecot's own LDA, as the mail user, into {@code folder}. */
  private static void lda(DovecotServer dovecot, String folder, byte[] message) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
      cmd.addAll(List.of("setpriv", "--reuid=" + dovecot.mailUid(), "--regid=" + dovecot.mailGid(), "--clear-groups"));
    }
    cmd.addAll(List.of("env", "USER=" + DovecotLegacy.USER, "HOME=" + dovecot.home(DovecotLegacy.USER),
        "/usr/lib/dovecot/dovecot-lda", "-c", dovecot.configFile().toString(), "-o", "stats_writer_socket_path=",
        "-o", "log_path=/dev/stderr", "-o", "info_log_path=/dev/stderr",
        "-m", folder, "-f", "mta@example.org"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(message);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "dovecot-lda hangs");
    assertEquals(0, p.exitValue(), "dovecot-lda: " + out);
  }
}
