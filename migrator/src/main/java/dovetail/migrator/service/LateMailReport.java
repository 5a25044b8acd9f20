package dovetail.migrator.service;

import dovetail.migrator.copy.LateMailMerge;
import java.util.List;
import java.util.Optional;

/**
 * What one late-mail check of a user did (issue #8, {@code dovetail sync -1}).
 *
 * @param folders one result per folder checked, in store order
 * @param problems folders asked for that could not be checked (unknown, not complete), with why
 * @param abortReason set when the legacy server could not be used at all
 */
public record LateMailReport(String user, List<LateMailMerge.Result> folders, List<String> problems,
    Optional<String> abortReason) {
  public LateMailReport {
    folders = List.copyOf(folders);
    problems = List.copyOf(problems);
  }

  public int merged() {
    return folders.stream().mapToInt(LateMailMerge.Result::merged).sum();
  }
}
