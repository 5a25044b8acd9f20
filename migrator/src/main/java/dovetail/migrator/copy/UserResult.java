package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a user's migration run ended.
 *
 * @param user the user
 * @param skeleton the skeleton, or null when it could not be built (see {@code abortReason})
 * @param folders one result per folder this run was asked to migrate, in the order they ran
 * @param problems folders that could not be mirrored or were asked for but do not exist
 * @param abortReason why the run stopped early (login refused, legacy server unavailable), or empty
 * @param messages messages copied by this run
 * @param bytes bytes copied by this run
 * @param elapsed how long the run took
 * @param loginRefusal the legacy server's refusal of the login, when that is what stopped the run: its answer's
 *     RFC 5530 code tells whether the master user was accepted ({@link LegacyException#responseCode()})
 */
public record UserResult(
    String user,
    SkeletonResult skeleton,
    List<FolderResult> folders,
    List<String> problems,
    Optional<String> abortReason,
    long messages,
    long bytes,
    Duration elapsed,
    Optional<LegacyException> loginRefusal) {

  public UserResult {
    folders = List.copyOf(folders);
    problems = List.copyOf(problems);
    Objects.requireNonNull(loginRefusal, "loginRefusal");
  }

  /** A run that was not stopped by a refused login. */
  public UserResult(String user, SkeletonResult skeleton, List<FolderResult> folders, List<String> problems,
      Optional<String> abortReason, long messages, long bytes, Duration elapsed) {
    this(user, skeleton, folders, problems, abortReason, messages, bytes, elapsed, Optional.empty());
  }

  /** True only when everything that was asked for is in the store. */
  public boolean complete() {
    return abortReason.isEmpty() && problems.isEmpty() && folders.stream().allMatch(FolderResult::complete);
  }

  /** The folders that are not complete. */
  public List<FolderResult> incomplete() {
    return folders.stream().filter(f -> !f.complete()).toList();
  }
}
