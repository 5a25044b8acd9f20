package dovetail.migrator.service;

import dovetail.migrator.copy.MigrationState;
import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.store.MailStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of a user's local folders a run works on: those still to migrate, or those an operator named (by local or
 * legacy name). The sweeper, the admin's migrate, on-access questions and the late-mail check choose alike.
 */
final class FolderSelection {
  private FolderSelection() {}

  /** Whether a folder in this state still has legacy mail to copy (an operator's retry aside). */
  static boolean resumable(FolderState s) {
    return s == FolderState.PENDING || s == FolderState.MIGRATING || s == FolderState.PARTIAL;
  }

  /** Pending, migrating and partial folders; for an admin, failed ones too (a retry an operator asked for). */
  static List<String> remaining(MailStore store, FolderRun.Origin origin, List<String> problems) {
    List<String> out = new ArrayList<>();
    for (String folder : store.listFolders()) {
      // Nothing can be migrated into a folder the server may not read: the user is not complete, and says why.
      Optional<FolderState> s = store.openIfReadable(folder, problems::add)
          .flatMap(box -> FolderState.of(box.dovetailState()));
      if (s.isPresent() && (resumable(s.get()) || (origin == FolderRun.Origin.ADMIN && s.get() == FolderState.FAILED))) {
        out.add(folder);
      }
    }
    return out;
  }

  /** Folders asked for by local name, or by their legacy name. */
  static List<String> named(MailStore store, List<String> asked, List<String> problems) {
    List<String> out = new ArrayList<>();
    List<String> all = store.listFolders();
    for (String name : asked) {
      Optional<String> local = local(store, all, name);
      if (local.isEmpty()) {
        problems.add("no folder '" + name + "'");
      } else if (!out.contains(local.get())) {
        out.add(local.get());
      }
    }
    return out;
  }

  /** The local folder {@code name} means: the one of that name, else the one migrated from that legacy name. */
  static Optional<String> local(MailStore store, List<String> all, String name) {
    if (name.equalsIgnoreCase(MailStore.INBOX)) {
      return Optional.of(MailStore.INBOX);
    }
    if (all.contains(name)) {
      return Optional.of(name);
    }
    return all.stream().filter(f -> name.equals(store.open(f).dovetailState().get(MigrationState.LEGACY_NAME)))
        .findFirst();
  }
}
