package dovetail.migrator.verify;

import java.util.List;

/**
 * What {@link UserVerifier} found.
 *
 * @param compared messages compared byte for byte
 * @param localOnly store messages at or above a folder's migrated UIDNEXT (delivered or appended since)
 */
public record VerifyReport(List<Difference> differences, int folders, int compared, int localOnly) {
  public VerifyReport {
    differences = List.copyOf(differences);
  }

  public boolean clean() {
    return differences.isEmpty();
  }
}
