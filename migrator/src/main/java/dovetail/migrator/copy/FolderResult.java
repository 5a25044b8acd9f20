package dovetail.migrator.copy;

import java.util.List;
import java.util.Objects;

/**
 * How one folder's migration run ended.
 *
 * @param folder the local folder name
 * @param outcome see {@link Outcome}
 * @param messages messages copied in this run
 * @param bytes bytes copied in this run
 * @param undeliverable the message the folder stopped at (PARTIAL), or the messages given up with
 *     the operator's consent (COMPLETE); empty otherwise
 * @param reason why the folder is not complete; empty when it is
 * @param warnings what this run copied only in part, e.g. flags Maildir cannot hold; empty when nothing
 */
public record FolderResult(
    String folder, Outcome outcome, long messages, long bytes, List<Undeliverable> undeliverable, String reason,
    List<String> warnings) {

  /** The outcome of a run for one folder. */
  public enum Outcome {
    /** Everything is in the store (now, or since an earlier run). */
    COMPLETE,
    /** Some messages are still to be copied: run again. */
    PARTIAL,
    /**
     * The legacy UIDVALIDITY changed, the legacy folder is gone, or another program took legacy UIDs during the
     * migration ({@link ForeignWrites}): an operator must look.
     */
    FAILED,
    /** Not attempted in this run (the legacy server became unavailable before its turn). */
    NOT_ATTEMPTED
  }

  public FolderResult {
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(outcome, "outcome");
    undeliverable = List.copyOf(undeliverable);
    reason = reason == null ? "" : reason;
    warnings = List.copyOf(warnings);
  }

  public FolderResult(
      String folder, Outcome outcome, long messages, long bytes, List<Undeliverable> undeliverable, String reason) {
    this(folder, outcome, messages, bytes, undeliverable, reason, List.of());
  }

  public boolean complete() {
    return outcome == Outcome.COMPLETE;
  }

  static FolderResult notAttempted(String folder, String reason) {
    return new FolderResult(folder, Outcome.NOT_ATTEMPTED, 0, 0, List.of(), reason);
  }
}
