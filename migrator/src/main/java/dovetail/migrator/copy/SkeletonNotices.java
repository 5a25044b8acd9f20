package dovetail.migrator.copy;

import dovetail.migrator.copy.MigrationState.FolderState;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.store.MailStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator should know about a user's folders set up earlier under other rules than the current ones, one
 * line per kind, for a skeleton build or refresh to pass on: such folders are left as they are (the store is their
 * master), so nothing else would say so.
 *
 * <ul>
 *   <li>Folders of other users' or shared namespaces that a build from before 2026-11-27 set up (walk-through 17, F1):
 *       not the user's mail; those not complete are not migrated any more, complete ones hold mail copied then.
 * </ul>
 */
final class SkeletonNotices {
  private SkeletonNotices() {}

  /**
   * @param states the migration state of each local folder set up from a legacy folder (it names one), by local name
   * @param session asked only for NAMESPACE (once per session)
   */
  static List<String> of(Map<String, Map<String, String>> states, LegacyImapSession session) {
    List<String> foreign = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> folder : states.entrySet()) {
      String local = folder.getKey();
      Map<String, String> state = folder.getValue();
      if (MailStore.INBOX.equals(local)) {
        continue;
      }
      Optional<String> namespace = session.otherUsersOrSharedNamespace(state.get(MigrationState.LEGACY_NAME));
      if (namespace.isPresent()) {
        boolean complete = FolderState.of(state).orElse(null) == FolderState.COMPLETE;
        foreign.add(local + " (" + namespace.get() + ", " + (complete ? "migrated by that build" : "not migrated")
            + ")");
      }
    }
    List<String> notices = new ArrayList<>();
    if (!foreign.isEmpty()) {
      notices.add(foreign.size() + " folder(s) of other users' or shared namespaces on the legacy server, set up by a"
          + " Dovetail build from before 2026-11-27: " + String.join(", ", foreign) + ". They are not the user's own"
          + " mail and are not migrated any more; remove them from the user's store (a client's DELETE)");
    }
    return notices;
  }
}
