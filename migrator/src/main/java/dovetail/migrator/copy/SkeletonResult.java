package dovetail.migrator.copy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link UserSkeleton#build} did.
 *
 * @param folders every local folder that mirrors a selectable legacy folder this run looked at: local name to
 *     legacy name, INBOX first, then in the server's LIST order
 * @param created the local folders this run created (or adopted) in state {@code pending}
 * @param problems legacy folders that could not be mirrored, one line each (the name cannot be stored in
 *     Maildir++, two legacy names map to one local name, the server would not open it now, ...). They are not
 *     migrated.
 * @param unset the legacy names of those folders, each with its problem line
 * @param deletedHere local names of legacy folders that an earlier skeleton set up and the user deleted here since:
 *     not set up again (the offline backup of a user whom serve serves; the running server's refresh never lists them)
 * @param notices what the operator should know of folders set up earlier under other rules, one line per kind
 *     ({@link SkeletonNotices}): they are left as they are
 */
public record SkeletonResult(Map<String, String> folders, List<String> created, List<String> problems,
    Map<String, String> unset, List<String> deletedHere, List<String> notices) {
  public SkeletonResult {
    folders = Collections.unmodifiableMap(new LinkedHashMap<>(folders));
    created = List.copyOf(created);
    problems = List.copyOf(problems);
    unset = Collections.unmodifiableMap(new LinkedHashMap<>(unset));
    deletedHere = List.copyOf(deletedHere);
    notices = List.copyOf(notices);
  }

  public SkeletonResult(Map<String, String> folders, List<String> created, List<String> problems,
      Map<String, String> unset) {
    this(folders, created, problems, unset, List.of(), List.of());
  }

  SkeletonResult withNotices(List<String> notices) {
    return new SkeletonResult(folders, created, problems, unset, deletedHere, notices);
  }
}
