package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.LateMailMerge;
import dovetail.migrator.copy.UserResult;
import dovetail.migrator.service.FolderStatus;
import dovetail.migrator.service.LateMailReport;
import dovetail.migrator.service.SweeperStatus;
import dovetail.migrator.service.UserStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The admin endpoint's JSON documents, written field by field so that renaming a Java record never changes what
 * operators' scripts read. README.md ("Admin commands") documents every field; change both together.
 */
final class AdminJson {
  /** Bumped only when a field changes meaning or goes away; new fields do not bump it. */
  static final int STATUS_VERSION = 1;

  private AdminJson() {}

  /** {@code dovetail status --json}: the users asked for, and a total over them. */
  static ObjectNode status(List<UserStatus> users) {
    ObjectNode doc = AdminProtocol.JSON.createObjectNode().put("version", STATUS_VERSION);
    ArrayNode array = doc.putArray("users");
    Summary total = new Summary();
    int complete = 0;
    for (UserStatus u : users) {
      array.add(user(u));
      u.folders().forEach(total::add);
      complete += u.complete() ? 1 : 0;
    }
    ObjectNode t = doc.putObject("total").put("users", users.size()).put("users_complete", complete);
    total.writeTo(t);
    return doc;
  }

  static ObjectNode user(UserStatus u) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("user", u.user()).put("skeleton", u.skeleton())
        .put("complete", u.complete());
    Summary s = new Summary();
    u.folders().forEach(s::add);
    s.writeTo(n.putObject("summary"));
    ArrayNode folders = n.putArray("folders");
    u.folders().forEach(f -> folders.add(folder(f)));
    // Legacy folders the skeleton could not set up: they keep the user from being complete, so status says why.
    ArrayNode unset = n.putArray("unset");
    u.unset().forEach((legacy, reason) -> unset.addObject().put("legacy_folder", legacy).put("reason", reason));
    if (u.error().isPresent()) {
      n.put("error", u.error().get());
    } else {
      n.putNull("error");
    }
    return n;
  }

  static ObjectNode folder(FolderStatus f) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("folder", f.folder()).put("state", f.state())
        .put("messages_done", f.messagesDone()).put("messages_total", f.messagesTotal())
        .put("bytes_done", f.bytesDone()).put("bytes_total", f.bytesTotal())
        .put("messages_local", f.messagesLocal()).put("bytes_local", f.bytesLocal()).put("skipped", f.skipped())
        .put("messages_expunged", f.messagesExpunged()).put("flags_dropped", f.flagsDropped().count())
        .put("flags_dropped_names", f.flagsDropped().names());
    if (f.error().isPresent()) {
      n.put("error", f.error().get());
    } else {
      n.putNull("error");
    }
    n.put("messages_per_second", round(f.messagesPerSecond())).put("eta_seconds", f.etaSeconds());
    // Issue #8, the cut-over window: when the legacy folder was last checked for late mail, and what it brought.
    if (f.legacyChecked().isPresent()) {
      n.put("legacy_checked", f.legacyChecked().get().toString());
    } else {
      n.putNull("legacy_checked");
    }
    return n.put("late_merged", f.lateMerged());
  }

  /** The answer to {@code sync}: per folder checked, what was merged. */
  static ObjectNode synced(LateMailReport r) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("user", r.user()).put("merged", r.merged());
    ArrayNode folders = n.putArray("folders");
    for (LateMailMerge.Result f : r.folders()) {
      folders.addObject().put("folder", f.folder()).put("checked", f.checked()).put("merged", f.merged())
          .put("renumbered", f.renumbered()).put("bytes", f.bytes()).put("problem", f.problem());
    }
    ArrayNode created = n.putArray("new_folders"); // made on the legacy server since the skeleton, migrated now
    r.newFolders().forEach(f -> folderResult(created, f));
    return ended(n, r.problems(), r.abortReason());
  }

  /** A {@code sync} progress line: why it waits ({@code INBOX: another process ...; waiting for it}). */
  static ObjectNode notice(String text) {
    return AdminProtocol.JSON.createObjectNode().put("notice", text);
  }

  /** A {@code migrate --wait} progress line: the user's totals and the folders migrating now. */
  static ObjectNode progress(UserStatus u) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("user", u.user()).put("skeleton", u.skeleton());
    Summary s = new Summary();
    u.folders().forEach(s::add);
    s.writeTo(n.putObject("summary"));
    ArrayNode migrating = n.putArray("migrating");
    u.folders().stream().filter(f -> f.state().equals("migrating")).forEach(f -> migrating.add(folder(f)));
    return n;
  }

  /**
   * The end of a {@code migrate --wait}: the run's folders, and the summary of all the user's folders after it
   * (walk-through 15, F8: a run takes only what is left, so its own figures leave out what was complete before it).
   */
  static ObjectNode migrated(UserResult r, UserStatus after) {
    ObjectNode n = migrated(r);
    if (after.error().isEmpty()) {
      Summary s = new Summary();
      after.folders().forEach(s::add);
      s.writeTo(n.putObject("user_summary"));
    }
    return n;
  }

  /** {@code n} with a run's last fields: its problems, and why it stopped short (null when it did not). */
  private static ObjectNode ended(ObjectNode n, List<String> problems, Optional<String> abortReason) {
    problems.forEach(n.putArray("problems")::add);
    return n.put("abort_reason", abortReason.orElse(null));
  }

  /** One folder's migration: its name, outcome, what it copied and why it stopped. */
  private static ObjectNode folderResult(ArrayNode into, FolderResult f) {
    return into.addObject().put("folder", f.folder()).put("outcome", f.outcome().name().toLowerCase(Locale.ROOT))
        .put("messages", f.messages()).put("bytes", f.bytes()).put("reason", f.reason());
  }

  static ObjectNode migrated(UserResult r) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("user", r.user()).put("complete", r.complete())
        .put("login_refused", false).put("messages", r.messages()).put("bytes", r.bytes())
        .put("elapsed_seconds", round(r.elapsed().toMillis() / 1000.0));
    ArrayNode folders = n.putArray("folders");
    for (FolderResult f : r.folders()) {
      ObjectNode fn = folderResult(folders, f);
      ArrayNode undeliverable = fn.putArray("undeliverable");
      f.undeliverable().forEach(u -> undeliverable.add(u.toString()));
      f.warnings().forEach(fn.putArray("warnings")::add);
    }
    return ended(n, r.problems(), r.abortReason());
  }

  /**
   * The end of a {@code migrate --wait} whose run could not start or went away (legacy server unavailable), or that the
   * legacy server refused at the user's first login ({@code loginRefused}: no such user there; a rerun will not help).
   */
  static ObjectNode aborted(String user, String reason, boolean loginRefused) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("user", user).put("complete", false)
        .put("login_refused", loginRefused).put("messages", 0).put("bytes", 0).put("elapsed_seconds", 0.0);
    n.putArray("folders");
    n.putArray("problems");
    return n.put("abort_reason", reason);
  }

  /** The answer to {@code migrate} without {@code --wait}: the run was started. */
  static ObjectNode started(String user, List<String> folders) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("user", user).put("started", true);
    folders.forEach(n.putArray("folders")::add);
    return n;
  }

  static ObjectNode sweeper(SweeperStatus s) {
    ObjectNode n = AdminProtocol.JSON.createObjectNode().put("enabled", s.enabled()).put("paused", s.paused());
    s.active().forEach(n.putArray("active")::add);
    s.held().forEach(n.putArray("held")::add);
    s.queued().forEach(n.putArray("queued")::add);
    s.waiting().forEach(n.putArray("waiting")::add);
    return n.put("next_round_seconds", s.nextRoundSeconds()).put("completed", s.completed())
        .put("messages_per_second", round(s.messagesPerSecond()));
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Totals over folders. Local folders (created in Dovetail) count as folders but not in the migration's work. */
  private static final class Summary {
    private static final List<String> STATES = List.of("pending", "migrating", "partial", "complete", "failed",
        "local");
    private final long[] byState = new long[STATES.size()];
    private int folders;
    private long messagesDone;
    private long messagesTotal;
    private long bytesDone;
    private long bytesTotal;
    private long messagesLocal;
    private long bytesLocal;
    private long messagesExpunged;
    private long lateMerged;
    private long skipped;
    private int errors;
    private double rate;
    private long remaining;
    private boolean remainingKnown = true;

    void add(FolderStatus f) {
      folders++;
      int i = STATES.indexOf(f.state());
      if (i >= 0) {
        byState[i]++;
      }
      skipped += f.skipped();
      errors += f.error().isPresent() ? 1 : 0;
      if (f.state().equals(FolderStatus.LOCAL)) {
        return;
      }
      messagesDone += f.messagesDone();
      bytesDone += f.bytesDone();
      messagesLocal += f.messagesLocal();
      bytesLocal += f.bytesLocal();
      messagesExpunged += f.messagesExpunged();
      lateMerged += f.lateMerged();
      messagesTotal = sumKnown(messagesTotal, f.messagesTotal());
      bytesTotal = sumKnown(bytesTotal, f.bytesTotal());
      rate += f.messagesPerSecond();
      // A failed folder waits for an operator, and a complete one is done: neither is in the ETA.
      if (List.of("pending", "migrating", "partial").contains(f.state())) {
        if (f.messagesTotal() < 0) {
          remainingKnown = false;
        } else {
          remaining += Math.max(0, f.messagesTotal() - f.messagesDone());
        }
      }
    }

    /** A total is -1 (unknown) as soon as one folder's total is unknown: a partial sum would mislead. */
    private static long sumKnown(long sum, long value) {
      return sum < 0 || value < 0 ? -1 : sum + value;
    }

    void writeTo(ObjectNode n) {
      n.put("folders", folders);
      for (int i = 0; i < STATES.size(); i++) {
        n.put(STATES.get(i), byState[i]);
      }
      n.put("messages_done", messagesDone).put("messages_total", messagesTotal).put("bytes_done", bytesDone)
          .put("bytes_total", bytesTotal).put("messages_local", messagesLocal).put("bytes_local", bytesLocal)
          .put("messages_expunged", messagesExpunged).put("late_merged", lateMerged).put("skipped", skipped)
          .put("errors", errors)
          .put("messages_per_second", round(rate)).put("eta_seconds", eta());
    }

    private long eta() {
      if (!remainingKnown) {
        return -1;
      }
      if (remaining == 0) {
        return 0;
      }
      return rate > 0 ? (long) Math.ceil(remaining / rate) : -1;
    }
  }
}
