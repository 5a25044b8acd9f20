package dovetail.migrator.service;

import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.LateMailMerge;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one late-mail check of a user did (issue #8, {@code dovetail sync -1}).
 *
 * @param folders one result per folder checked, in store order
 * @param problems folders asked for that could not be checked (unknown, not complete), with why
 * @param abortReason set when the legacy server could not be used at all
 * @param newOnLegacy local names of the legacy folders that the check's LIST showed appeared since the skeleton (walk-
 *     through 17, F7); empty when the check did not list
 * @param newFolders what migrating those did ({@code sync -1}; the sweeper migrates them in its next round)
 */
public record LateMailReport(String user, List<LateMailMerge.Result> folders, List<String> problems,
    Optional<String> abortReason, List<String> newOnLegacy, List<FolderResult> newFolders) {
  public LateMailReport {
    folders = List.copyOf(folders);
    problems = List.copyOf(problems);
    newOnLegacy = List.copyOf(newOnLegacy);
    newFolders = List.copyOf(newFolders);
  }

  public LateMailReport(String user, List<LateMailMerge.Result> folders, List<String> problems,
      Optional<String> abortReason) {
    this(user, folders, problems, abortReason, List.of(), List.of());
  }

  /** This report with what migrating the new legacy folders did, and that run's problems. */
  LateMailReport withNewFolders(List<FolderResult> results, List<String> runProblems) {
    List<String> all = new ArrayList<>(problems);
    all.addAll(runProblems);
    return new LateMailReport(user, folders, all, abortReason, newOnLegacy, results);
  }

  public int merged() {
    return folders.stream().mapToInt(LateMailMerge.Result::merged).sum();
  }
}
