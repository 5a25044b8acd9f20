package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The readable forms of the admin answers (besides {@link StatusTable}): migrate progress and outcome, sweeper. */
public final class AdminText {
  private static final int SHOW_QUEUED = 5;
  private static final List<String> NOT_DONE = List.of("pending", "migrating", "partial", "failed", "local");

  private AdminText() {}

  /** One line per {@code migrate --wait} progress report. */
  public static String progress(JsonNode p) {
    JsonNode s = p.path("summary");
    if (!p.path("skeleton").asBoolean() && s.path("folders").asLong() == 0) {
      return p.path("user").asText() + ": reading the folder list from the legacy server";
    }
    StringBuilder line = new StringBuilder(p.path("user").asText()).append(": ")
        .append(s.path("complete").asLong()).append('/').append(s.path("folders").asLong())
        .append(" folders complete; ").append(messages(s)).append(", ").append(bytes(s.path("bytes_done").asLong()));
    for (JsonNode f : p.path("migrating")) {
      line.append("; migrating ").append(f.path("folder").asText()).append(' ').append(messages(f));
    }
    return line.append(rateAndEta(s)).toString();
  }

  /**
   * The end of {@code migrate --wait}: one line per folder, the problems, a summary line of the run, and one of all
   * the user's folders when the run did not take them all.
   */
  public static List<String> migrated(JsonNode r) {
    List<String> lines = new ArrayList<>();
    if (r.path("login_refused").asBoolean()) {
      lines.add(r.path("user").asText() + ": not migrated: " + r.path("abort_reason").asText());
      return lines;
    }
    long complete = 0;
    for (JsonNode f : r.path("folders")) {
      String outcome = f.path("outcome").asText();
      complete += outcome.equals("complete") ? 1 : 0;
      String reason = f.path("reason").asText();
      lines.add("  " + f.path("folder").asText() + ": " + outcome.replace('_', ' ')
          + (reason.isEmpty() ? "" : ": " + reason) + " (" + f.path("messages").asLong() + " messages, "
          + bytes(f.path("bytes").asLong()) + " copied)");
      for (String note : FolderNotes.lines(outcome.equals("complete"), texts(f.path("undeliverable")),
          texts(f.path("warnings")))) {
        lines.add("    " + note);
      }
    }
    for (JsonNode problem : r.path("problems")) {
      lines.add("  ! " + problem.asText());
    }
    if (r.hasNonNull("abort_reason")) {
      lines.add("  stopped: " + r.path("abort_reason").asText());
    }
    lines.add(r.path("user").asText() + ": " + (r.path("complete").asBoolean() ? "complete" : "INCOMPLETE") + ", "
        + complete + "/" + r.path("folders").size() + " folders complete, " + r.path("messages").asLong()
        + " messages and " + bytes(r.path("bytes").asLong()) + " copied in "
        + duration(Math.round(r.path("elapsed_seconds").asDouble())));
    JsonNode all = r.path("user_summary");
    if (all.isObject() && all.path("folders").asLong() != r.path("folders").size()) {
      // The run took only the folders left to migrate; the user's whole picture is another line, not a changed one.
      lines.add(summary(r.path("user").asText() + " (all folders)", all));
    }
    return lines;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** One line per {@code sync} progress report: why it waits. */
  public static String syncProgress(JsonNode p) {
    return p.path("notice").asText();
  }

  /** The answer to {@code sync}: one line per folder checked, the problems, and a summary line. */
  public static List<String> synced(JsonNode r) {
    List<String> lines = new ArrayList<>();
    long renumbered = 0;
    int checked = 0;
    for (JsonNode f : r.path("folders")) {
      renumbered += f.path("renumbered").asLong();
      checked += f.path("checked").asBoolean() ? 1 : 0;
      String problem = f.path("problem").asText();
      lines.add("  " + f.path("folder").asText() + ": " + (f.path("checked").asBoolean() ? "checked" : "not checked")
          + ", " + f.path("merged").asLong() + " late messages merged"
          + (f.path("renumbered").asLong() > 0 ? ", " + f.path("renumbered").asLong() + " local renumbered" : "")
          + (problem.isEmpty() ? "" : "; " + problem));
    }
    long newMessages = 0;
    int newMigrated = 0;
    for (JsonNode f : r.path("new_folders")) {
      boolean complete = f.path("outcome").asText().equals("complete");
      newMessages += f.path("messages").asLong();
      newMigrated += complete ? 1 : 0;
      String reason = f.path("reason").asText();
      lines.add("  " + f.path("folder").asText() + ": new on the legacy server: "
          + (complete ? "migrated" : f.path("outcome").asText().replace('_', ' ') + (reason.isEmpty() ? "" : ": "
          + reason)) + ", " + f.path("messages").asLong() + " messages" + (complete ? "" : " copied"));
    }
    for (JsonNode problem : r.path("problems")) {
      lines.add("  ! " + problem.asText());
    }
    if (r.hasNonNull("abort_reason")) {
      lines.add("  stopped: " + r.path("abort_reason").asText());
    }
    int created = r.path("new_folders").size();
    lines.add(r.path("user").asText() + ": " + r.path("merged").asLong() + " late messages merged from the legacy "
        + "server into " + checked + " folders checked" + (checked < r.path("folders").size()
        ? ", " + (r.path("folders").size() - checked) + " not checked" : "") + (renumbered > 0 ? ", " + renumbered
        + " local messages renumbered" : "") + (created > 0 ? "; new legacy folders: " + newMigrated + "/" + created
        + " migrated, " + newMessages + " messages" : ""));
    return lines;
  }

  /** The answer to {@code migrate} without {@code --wait}. */
  public static String started(JsonNode r) {
    String user = r.path("user").asText();
    List<String> folders = new ArrayList<>();
    r.path("folders").forEach(f -> folders.add(f.asText()));
    return user + ": migration started (" + (folders.isEmpty() ? "all remaining folders" : String.join(", ", folders))
        + "); follow it with `dovetail status -u " + user + "`";
  }

  public static String sweeper(JsonNode s) {
    String state = !s.path("enabled").asBoolean() ? "disabled (sweeper = no)"
        : s.path("paused").asBoolean() ? "paused" : "running";
    List<String> active = new ArrayList<>();
    s.path("active").forEach(u -> active.add(u.asText()));
    List<String> next = new ArrayList<>();
    s.path("queued").forEach(u -> next.add(u.asText()));
    int queued = next.size();
    String shown = String.join(", ", next.subList(0, Math.min(SHOW_QUEUED, queued)))
        + (queued > SHOW_QUEUED ? ", ..." : "");
    List<String> held = new ArrayList<>();
    s.path("held").forEach(u -> held.add(u.asText()));
    int waiting = s.path("waiting").size();
    long nextRound = s.path("next_round_seconds").asLong(-1);
    String retry = waiting == 0 ? ""
        : "; " + waiting + " waiting for the next round" + (nextRound >= 0 ? " (in " + nextRound + " s)" : "");
    return "sweeper: " + state + "; active: " + (active.isEmpty() ? "none" : String.join(", ", active)) + "; "
        + (held.isEmpty() ? "" : "held by the pause: " + String.join(", ", held) + "; ") + queued + " queued" + (queued > 0 ? " (next: " + shown + ")" : "") + retry + "; "
        + s.path("completed").asLong() + " users complete; " + rate(s.path("messages_per_second").asDouble());
  }

  /**
   * A summary line: {@code label: 3/12 folders complete, 1 migrating, ...; 4100/12000 messages, 41.0 MB; ...}.
   */
  static String summary(String label, JsonNode s) {
    StringBuilder line = new StringBuilder(label).append(": ").append(s.path("complete").asLong()).append('/')
        .append(s.path("folders").asLong()).append(" folders complete");
    for (String state : NOT_DONE) {
      long n = s.path(state).asLong();
      if (n > 0) {
        line.append(", ").append(n).append(' ').append(state);
      }
    }
    line.append("; ").append(messages(s)).append(", ").append(bytes(s.path("bytes_done").asLong()));
    if (s.path("bytes_total").asLong() >= 0) {
      line.append(" of ").append(bytes(s.path("bytes_total").asLong()));
    }
    if (s.path("errors").asLong() > 0) {
      line.append("; ").append(s.path("errors").asLong()).append(" with errors");
    }
    if (s.path("skipped").asLong() > 0) {
      line.append("; ").append(s.path("skipped").asLong()).append(" messages skipped");
    }
    return line.append(rateAndEta(s)).toString();
  }

  private static String rateAndEta(JsonNode s) {
    long left = s.path("pending").asLong() + s.path("migrating").asLong() + s.path("partial").asLong();
    if (left == 0) {
      return "";
    }
    double rate = s.path("messages_per_second").asDouble();
    long eta = s.path("eta_seconds").asLong();
    return (rate > 0 ? "; " + rate(rate) : "") + "; ETA " + (eta < 0 ? "unknown" : duration(eta));
  }

  /**
   * {@code 4100/12000 messages}, or {@code 4100/? messages} while the total is not known; with {@code +10 local} when
   * other writers added messages (they are not legacy ones).
   */
  static String messages(JsonNode n) {
    long total = n.path("messages_total").asLong();
    return legacyDone(n) + "/" + (total < 0 ? "?" : Long.toString(total)) + " messages" + local(n);
  }

  /**
   * The messages of the migration: {@code messages_done} without the late mail merged since, which the legacy total
   * (taken when the folder completed) does not count, so that a complete folder never reads as {@code 147/144}.
   */
  static long legacyDone(JsonNode n) {
    return n.path("messages_done").asLong() - n.path("late_merged").asLong();
  }

  /**
   * {@code " +3 late"} when late legacy mail was merged, {@code " +10 local"} when other writers added messages,
   * {@code " (2 expunged since)"} when the user deleted migrated ones here; nothing otherwise.
   */
  static String local(JsonNode n) {
    long late = n.path("late_merged").asLong();
    long local = n.path("messages_local").asLong();
    long expunged = n.path("messages_expunged").asLong();
    return (late > 0 ? " +" + late + " late" : "") + (local > 0 ? " +" + local + " local" : "")
        + (expunged > 0 ? " (" + expunged + " expunged since)" : "");
  }

  static String rate(double messagesPerSecond) {
    return String.format(Locale.ROOT, "%.0f msg/s", messagesPerSecond);
  }

  /** Decimal units, as {@code backup} prints them. */
  static String bytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes / 1000.0;
    int i = 0;
    while (v >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  static String duration(long seconds) {
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
