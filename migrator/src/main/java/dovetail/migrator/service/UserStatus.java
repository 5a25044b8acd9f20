package dovetail.migrator.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's migration as {@code dovetail status} shows it.
 *
 * @param skeleton whether the user's folders were mirrored from the legacy server yet, every one of them
 * @param folders  every local folder, in the store's order
 * @param unset    legacy folders the skeleton could not set up (so not migrated yet), each with why, in the order
 *     they were recorded
 */
public record UserStatus(String user, boolean skeleton, List<FolderStatus> folders, Map<String, String> unset) {
  public UserStatus {
    folders = List.copyOf(folders);
    unset = Collections.unmodifiableMap(new LinkedHashMap<>(unset));
  }

  /** With no legacy folder left unset. */
  public UserStatus(String user, boolean skeleton, List<FolderStatus> folders) {
    this(user, skeleton, folders, Map.of());
  }

  /**
   * True when the skeleton exists, no legacy folder is left unset and no folder has anything left to migrate (each is
   * complete, or was made here).
   */
  public boolean complete() {
    return skeleton && unset.isEmpty() && folders.stream().allMatch(FolderStatus::nothingToMigrate);
  }
}
