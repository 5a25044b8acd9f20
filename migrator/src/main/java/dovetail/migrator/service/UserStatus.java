package dovetail.migrator.service;

import java.util.List;

/**
 * One user's migration as {@code dovetail status} shows it.
 *
 * @param skeleton whether the user's folders were mirrored from the legacy server yet
 * @param folders  every local folder, in the store's order
 */
public record UserStatus(String user, boolean skeleton, List<FolderStatus> folders) {
  public UserStatus {
    folders = List.copyOf(folders);
  }

  /** True when the skeleton exists and every folder is complete. */
  public boolean complete() {
    return skeleton && folders.stream().allMatch(f -> f.state().equals("complete"));
  }
}
