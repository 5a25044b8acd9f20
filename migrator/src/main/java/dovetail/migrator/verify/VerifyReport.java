package dovetail.migrator.verify;

import java.util.List;

/**
 * What {@link UserVerifier} found.
 *
 * @param differences what disagrees; empty when the store holds every legacy message as it should
 * @param renumbered legacy messages that agree but sit under another UID by design ({@link Difference.Kind#RENUMBERED}:
 *     a late message whose UID a local delivery had, or one whose UID another program took during the migration);
 *     not differences
 * @param compared messages compared byte for byte
 * @param localOnly store messages at or above a folder's migrated UIDNEXT that are no legacy message (delivered,
 *     appended or renumbered here)
 * @param flagsChangedHere legacy messages whose flags differ because a client changed them through Dovetail since the
 *     migration; not differences
 * @param expungedHere legacy messages missing because a client expunged them through Dovetail; not differences
 */
public record VerifyReport(List<Difference> differences, List<Difference> renumbered, int folders, int compared,
    int localOnly, int flagsChangedHere, int expungedHere) {
  public VerifyReport {
    differences = List.copyOf(differences);
    renumbered = List.copyOf(renumbered);
  }

  public boolean clean() {
    return differences.isEmpty();
  }
}
