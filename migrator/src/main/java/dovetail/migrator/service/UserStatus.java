package dovetail.migrator.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One user's migration as {@code dovetail status} shows it.
 *
 * @param skeleton whether the user's folders were mirrored from the legacy server yet, every one of them
 * @param folders  every local folder, in the store's order
 * @param unset    legacy folders the skeleton could not set up (so not migrated yet), each with why, in the order
 *     they were recorded
 * @param error    why the user's status could not be read (then nothing else is known); empty normally
 */
public record UserStatus(String user, boolean skeleton, List<FolderStatus> folders, Map<String, String> unset,
    Optional<String> error) {
  public UserStatus {
    folders = List.copyOf(folders);
    unset = Collections.unmodifiableMap(new LinkedHashMap<>(unset));
  }

  public UserStatus(String user, boolean skeleton, List<FolderStatus> folders, Map<String, String> unset) {
    this(user, skeleton, folders, unset, Optional.empty());
  }

  /** A user whose status could not be read, so that a list of users still shows the others. */
  public static UserStatus unreadable(String user, String why) {
    return new UserStatus(user, false, List.of(), Map.of(), Optional.of(why));
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
    return error.isEmpty() && skeleton && unset.isEmpty() && folders.stream().allMatch(FolderStatus::nothingToMigrate);
  }

  /** What keeps the user from being complete, one short phrase each ("Archive partial"); empty when complete. */
  public List<String> left() {
    List<String> left = new java.util.ArrayList<>();
    error.ifPresent(e -> left.add("status unreadable: " + e));
    if (error.isEmpty() && !skeleton && unset.isEmpty()) {
      left.add("legacy folders never listed");
    }
    folders.stream().filter(f -> !f.nothingToMigrate()).forEach(f -> left.add(f.folder() + " " + f.state()));
    unset.keySet().forEach(name -> left.add("legacy '" + name + "' not set up"));
    return left;
  }
}
