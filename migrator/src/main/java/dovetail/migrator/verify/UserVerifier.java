package dovetail.migrator.verify;

import dovetail.conf.Settings;
import dovetail.migrator.copy.Backup;
import dovetail.migrator.copy.FolderMigration;
import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.LateMailUidValidity;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.BodyConsumer;
import dovetail.migrator.source.FolderNameMapper;
import dovetail.migrator.source.FolderSnapshot;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyFolder;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.migrator.verify.Difference.Kind;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.UserChanges;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code dovetail verify}: compares every migrated folder with its legacy folder, message by message: UID,
 * RFC822.SIZE, INTERNALDATE, flags and keywords, and the sha256 of the bytes; and reports every legacy folder
 * that has no local folder migrated from it. Legacy messages at or above the UIDNEXT recorded last are late, not
 * compared. A legacy message that was moved to another UID by design (a late message whose UID a delivery had taken,
 * or one whose UID another program took during the migration: {@code sync.moved.<uid>}) is compared where it is now
 * and, when it agrees, listed as renumbered, not as a difference. Store messages that are no legacy message are local
 * mail (delivered, appended, renumbered) when they are at or above the migration's UIDNEXT; below it they are a
 * difference. A message whose flags a client changed through Dovetail, or that a client expunged there
 * ({@link UserChanges}), is counted as the user's work since the migration, not as a difference; changes that other
 * programs made to the store, or that were made on the legacy server, still are differences.
 */
public final class UserVerifier {
  private final LegacyImapSource source;
  private final MailStore store;
  private final FolderNameMapper mapper;

  /** @param mapper the legacy names that the skeleton mirrors ({@code imapc_list_prefix}) and their local names */
  public UserVerifier(LegacyImapSource source, MailStore store, FolderNameMapper mapper) {
    this.source = source;
    this.store = store;
    this.mapper = mapper;
  }

  /**
   * The verifier for {@code user} as the settings describe the legacy server and the store.
   *
   * @throws IllegalArgumentException when the user has no store: opening one would create it (a typo in {@code -u}
   *     would then be a user that serve keeps trying)
   */
  public static UserVerifier of(Settings settings, String user) {
    Path root = MailLocation.parse(settings.store().mailLocation()).rootFor(user);
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("no store at " + root + " (nothing migrated for that name)");
    }
    LegacyImapSource source = LegacyImapSource.create(LegacyEndpoints.imap(settings, user),
        LegacyEndpoints.fetchLimits(settings));
    // The store as backup opens it: each folder is gone through once, so its view is kept only while used.
    return new UserVerifier(source, Backup.store(settings, user),
        new FolderNameMapper(LegacyEndpoints.options(settings).listPrefix()));
  }

  public VerifyReport verify(String user) {
    List<Difference> differences = new ArrayList<>();
    List<Difference> renumbered = new ArrayList<>();
    int folders = 0;
    int compared = 0;
    int localOnly = 0;
    int flagsChangedHere = 0;
    int expungedHere = 0;
    try (LegacyImapSession legacy = source.open(user)) {
      Set<String> mirrored = new HashSet<>();
      for (String name : store.listFolders()) {
        Mailbox box = store.open(name);
        Map<String, String> state = box.dovetailState();
        String legacyName = state.get(MigrationState.LEGACY_NAME);
        if (legacyName == null) {
          continue; // a folder created here, never on the legacy server
        }
        mirrored.add(LegacyFolder.key(legacyName));
        folders++;
        Optional<FolderState> folderState = FolderState.of(state);
        if (folderState.orElse(FolderState.PENDING) != FolderState.COMPLETE) {
          differences.add(new Difference(name, 0, Kind.NOT_MIGRATED,
              folderState.map(FolderState::configName).orElse("unknown")));
          continue;
        }
        FolderCheck check = new FolderCheck(name, legacyName, box, state, differences, renumbered);
        check.run(legacy);
        compared += check.compared;
        localOnly += check.localOnly;
        flagsChangedHere += check.flagsChangedHere;
        expungedHere += check.expungedHere;
      }
      missingFolders(legacy, mirrored, differences);
    }
    return new VerifyReport(differences, renumbered, folders, compared, localOnly, flagsChangedHere, expungedHere);
  }

  /**
   * Every selectable legacy folder that the skeleton mirrors (INBOX always, RFC 3501 5.1) must have a local folder
   * migrated from it; walking the local folders alone would never see one the skeleton could not set up.
   */
  private void missingFolders(LegacyImapSession legacy, Set<String> mirrored, List<Difference> out) {
    Map<String, String> expected = new TreeMap<>();
    expected.put("INBOX", "INBOX");
    for (LegacyFolder folder : legacy.listFolders()) {
      if (folder.selectable()) {
        mapper.toLocal(folder).ifPresent(local -> expected.putIfAbsent(LegacyFolder.key(folder.legacyName()), local));
      }
    }
    expected.forEach((legacyName, local) -> {
      if (!mirrored.contains(legacyName)) {
        out.add(new Difference(local, 0, Kind.FOLDER_MISSING, "legacy folder '" + legacyName
            + "' has no local folder migrated from it; its messages are not in the store"));
      }
    });
  }


  /** One folder's comparison. */
  private static final class FolderCheck {
    private final String name;
    private final String legacyName;
    private final Mailbox box;
    private final Map<String, String> state;
    private final List<Difference> out;
    private final List<Difference> renumbered;
    /** What clients changed through Dovetail since the migration: not differences. */
    private final UserChanges clients;
    int compared;
    int localOnly;
    int flagsChangedHere;
    int expungedHere;

    FolderCheck(String name, String legacyName, Mailbox box, Map<String, String> state, List<Difference> out,
        List<Difference> renumbered) {
      this.name = name;
      this.legacyName = legacyName;
      this.box = box;
      this.state = state;
      this.out = out;
      this.renumbered = renumbered;
      this.clients = UserChanges.load(box);
    }

    void run(LegacyImapSession legacy) {
      FolderSnapshot snapshot;
      try {
        snapshot = legacy.examine(legacyName);
      } catch (LegacyException e) {
        if (e.kind() != LegacyException.Kind.FOLDER_NOT_FOUND) {
          throw e;
        }
        out.add(new Difference(name, 0, Kind.UIDVALIDITY, "the legacy folder " + legacyName + " is gone"));
        return;
      }
      long migratedValidity = Long.parseLong(state.getOrDefault(MigrationState.LEGACY_UIDVALIDITY, "0"));
      long lateValidity = LateMailUidValidity.of(state);
      // A legacy folder that was empty at migration and got a new UIDVALIDITY holds late mail only (the next check
      // adopts the new value, unless late mail was merged under the old one), or nothing at all.
      boolean allLate = snapshot.uidValidity() != lateValidity && LateMailUidValidity.migratedEmpty(state)
          && (snapshot.messageCount() == 0 || LateMailUidValidity.adoptable(state, box));
      if ((!allLate && snapshot.uidValidity() != lateValidity) || box.status().uidValidity() != migratedValidity) {
        out.add(new Difference(name, 0, Kind.UIDVALIDITY, "legacy " + snapshot.uidValidity() + ", migrated "
            + migratedValidity + (lateValidity != migratedValidity ? ", late mail merged under " + lateValidity : "")
            + ", store " + box.status().uidValidity()
            + (snapshot.uidValidity() != lateValidity ? ". " + FolderMigration.NEW_UIDVALIDITY_EVERY_SESSION : "")));
        return;
      }
      // Legacy messages at or above the UIDNEXT recorded last (it moves with late merges) are late, not yet merged.
      long boundary = allLate ? 1 : parse(state.getOrDefault(MigrationState.LEGACY_UIDNEXT, "0"));
      // Store messages at or above the UIDNEXT of the migration that are no legacy message were delivered or
      // appended here (and perhaps renumbered since): local mail, not a difference.
      long migrated = allLate ? 1 : parse(state.getOrDefault(LateMailState.MIGRATED_UIDNEXT, Long.toString(boundary)));
      TreeMap<Long, LegacyMessageInfo> remote = new TreeMap<>();
      for (LegacyMessageInfo m : legacy.fetchMetadata(legacyName, 1)) {
        remote.put(m.uid(), m);
      }
      TreeMap<Long, StoredMessage> local = new TreeMap<>();
      for (StoredMessage m : box.messages()) {
        local.put(m.uid(), m);
      }
      // legacy UID -> the store UID that holds that legacy message
      Map<Long, Long> pairs = new TreeMap<>();
      for (LegacyMessageInfo r : remote.values()) {
        String moved = state.get(LateMailState.MOVED_PREFIX + r.uid());
        if (r.uid() >= boundary) {
          out.add(new Difference(name, r.uid(), Kind.LATE_ON_LEGACY, "arrived on the legacy server after the migration"));
        } else if (moved != null) {
          String[] uids = moved.trim().split(" ");
          long now = parse(uids[0]);
          StoredMessage there = local.get(now);
          if (there == null && clients.expunged().contains(now)) {
            expungedHere++;
            continue;
          }
          if (there == null) {
            out.add(new Difference(name, r.uid(), Kind.MISSING_IN_STORE, "moved to UID " + uids[0]
                + ", which the store no longer has (expunged since?)"));
            continue;
          }
          pairs.put(r.uid(), now);
          int before = out.size();
          compareMetadata(r, there, " (store UID " + now + ")");
          if (out.size() == before) {
            renumbered.add(renumbered(r.uid(), uids, migrated));
          }
        } else if (local.containsKey(r.uid())) {
          pairs.put(r.uid(), r.uid());
          compareMetadata(r, local.get(r.uid()), "");
        } else if (clients.expunged().contains(r.uid())) {
          expungedHere++;
        } else {
          out.add(new Difference(name, r.uid(), Kind.MISSING_IN_STORE, ""));
        }
      }
      Set<Long> legacyHeld = new HashSet<>(pairs.values());
      for (StoredMessage m : local.values()) {
        if (legacyHeld.contains(m.uid())) {
          continue;
        }
        if (m.uid() < migrated) {
          out.add(new Difference(name, m.uid(), Kind.NOT_ON_LEGACY, ""));
        } else {
          localOnly++;
        }
      }
      compareContent(legacy, pairs);
    }

    /**
     * Where a legacy message went that could not keep its UID, and where the message that had its UID went: a late
     * message whose UID a delivery took (issue #8), or one whose UID another program took during the migration.
     */
    private Difference renumbered(long legacyUid, String[] uids, long migrated) {
      String why = legacyUid >= migrated ? "arrived on the legacy server after the migration and was merged as UID "
          + uids[0] : "is UID " + uids[0] + ": another program stored a message under UID " + legacyUid
          + " while the folder was being migrated";
      return new Difference(name, legacyUid, Kind.RENUMBERED, why + (uids.length > 1 ? "; a local message held UID "
          + legacyUid + " and was renumbered to UID " + uids[1] + ", so that no UID names two messages"
          : "; the store had used UID " + legacyUid + " already"));
    }

    private static long parse(String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** @param where appended to each difference's detail (which store UID, when not the legacy one) */
    private void compareMetadata(LegacyMessageInfo r, StoredMessage l, String where) {
      if (r.rfc822Size() >= 0 && r.rfc822Size() != l.virtualSize()) {
        out.add(new Difference(name, r.uid(), Kind.SIZE, "legacy " + r.rfc822Size() + ", store " + l.virtualSize()
            + where));
      }
      if (r.internalDate().getEpochSecond() != l.internalDate().getEpochSecond()) {
        out.add(new Difference(name, r.uid(), Kind.DATE, "legacy " + r.internalDate() + ", store " + l.internalDate()
            + where));
      }
      // Keywords compare without case (RFC 3501 §2.3.2) and are shown as each side spells them.
      Set<String> legacyFlags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      for (String f : r.systemFlags()) {
        SystemFlag known = SystemFlag.ofImapName(f);
        if (known != null) {
          legacyFlags.add(known.imapName());
        }
      }
      legacyFlags.addAll(r.keywords());
      Set<String> storeFlags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      l.flags().system().forEach(f -> storeFlags.add(f.imapName()));
      storeFlags.addAll(l.flags().keywords());
      if (!legacyFlags.equals(storeFlags) && clients.flagsChanged().contains(l.uid())) {
        flagsChangedHere++;
      } else if (!legacyFlags.equals(storeFlags)) {
        out.add(new Difference(name, r.uid(), Kind.FLAGS, "legacy " + legacyFlags + ", store " + storeFlags + where));
      }
    }

    /** @param pairs legacy UID -> the store UID holding that message */
    private void compareContent(LegacyImapSession legacy, Map<Long, Long> pairs) {
      Map<Long, String> legacyHashes = new HashMap<>();
      legacy.fetchBodies(legacyName, new ArrayList<>(pairs.keySet()), new BodyConsumer() {
        @Override
        public void accept(long uid, InputStream exactBytes) throws IOException {
          legacyHashes.put(uid, sha256(exactBytes));
        }

        @Override
        public void failed(long uid, String reason) {
          out.add(new Difference(name, uid, Kind.CONTENT, "the legacy server did not deliver it: " + reason));
          renumbered.removeIf(n -> n.folder().equals(name) && n.uid() == uid);
        }
      });
      for (Map.Entry<Long, Long> pair : pairs.entrySet()) {
        long uid = pair.getKey();
        String remote = legacyHashes.get(uid);
        if (remote == null) {
          continue;
        }
        String mine;
        try (InputStream in = box.openContent(pair.getValue())) {
          mine = sha256(in);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        compared++;
        if (!remote.equals(mine)) {
          out.add(new Difference(name, uid, Kind.CONTENT, "sha256 legacy " + remote + ", store " + mine
              + (pair.getValue() == uid ? "" : " (store UID " + pair.getValue() + ")")));
          renumbered.removeIf(n -> n.folder().equals(name) && n.uid() == uid);
        }
      }
    }
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[65536];
    int n;
    while ((n = in.read(buf)) > 0) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
