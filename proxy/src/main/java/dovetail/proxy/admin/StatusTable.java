package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code dovetail status} without {@code --json}: per user a table (folder, state, messages done/total, bytes, a
 * progress bar, errors, rate, ETA), the folders' error texts, the legacy folders not set up and why, and a summary
 * line; then a total when several users are shown.
 */
public final class StatusTable {
  private static final String[] HEADER = {"FOLDER", "STATE", "MESSAGES", "BYTES", "PROGRESS", "ERRORS", "RATE", "ETA"};
  /** Numbers line up on the right. */
  private static final boolean[] RIGHT = {false, false, true, true, false, false, true, true};
  private static final int BAR = 20;
  private static final String NONE = "-";

  private StatusTable() {}

  /** The lines for a status document (see {@link AdminJson#status}). */
  public static List<String> render(JsonNode doc, boolean oneUser) {
    List<String> lines = new ArrayList<>();
    JsonNode users = doc.path("users");
    if (users.isEmpty()) {
      lines.add("no users known yet (sweeper_users, logins and migrate commands add them)");
    }
    for (JsonNode user : users) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      renderUser(user, lines);
    }
    if (!oneUser && users.size() != 1) {
      JsonNode total = doc.path("total");
      if (!lines.isEmpty()) {
        lines.add("");
      }
      lines.add(AdminText.summary("total (" + total.path("users").asLong() + " users, "
          + total.path("users_complete").asLong() + " complete)", total));
    }
    return lines;
  }

  private static void renderUser(JsonNode user, List<String> lines) {
    String name = user.path("user").asText();
    lines.add(name);
    if (user.hasNonNull("error")) {
      lines.add("  ! " + user.path("error").asText());
      return;
    }
    if (user.path("folders").isEmpty()) {
      lines.add(user.path("skeleton").asBoolean() ? "  (no folders)"
          : "  not migrated yet: no folders mirrored from the legacy server");
      lines.addAll(unset(user));
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    List<String> errors = new ArrayList<>();
    List<String> late = new ArrayList<>();
    for (JsonNode f : user.path("folders")) {
      rows.add(row(f));
      if (f.hasNonNull("error")) {
        errors.add("  ! " + f.path("folder").asText() + ": " + f.path("error").asText());
      }
      if (f.path("flags_dropped").asLong() > 0) {
        errors.add("  ! " + f.path("folder").asText() + ": " + f.path("flags_dropped").asLong() + " flag(s) not copied,"
            + " Maildir cannot hold them (26 keywords per folder, IMAP atoms only): "
            + f.path("flags_dropped_names").asText());
      }
      if (f.hasNonNull("legacy_checked")) {
        late.add("  late mail: " + f.path("folder").asText() + ": " + f.path("late_merged").asLong()
            + " merged, legacy last checked " + f.path("legacy_checked").asText());
      }
    }
    lines.addAll(align(rows));
    lines.addAll(errors);
    if (!user.path("skeleton").asBoolean() && user.path("unset").isEmpty()) {
      // A first login made INBOX, "local" until the skeleton: without this line it read as nothing to migrate. A user
      // the legacy server was found not to know counts as listed (skeleton.local_only), also after a restart.
      lines.add("  ! not compared with the legacy server yet (at " + name + "'s next command, or migrate -u " + name
          + "): what the legacy server holds, if anything, is not counted");
    }
    lines.addAll(unset(user));
    lines.addAll(late);
    lines.add(AdminText.summary(name, user.path("summary")));
  }

  /** The legacy folders not set up, which keep the user from being complete; the reason names the folder. */
  private static List<String> unset(JsonNode user) {
    List<String> lines = new ArrayList<>();
    for (JsonNode u : user.path("unset")) {
      lines.add("  ! not set up: " + u.path("reason").asText());
    }
    return lines;
  }

  private static String[] row(JsonNode f) {
    String state = f.path("state").asText();
    boolean running = state.equals("migrating");
    long eta = f.path("eta_seconds").asLong();
    long bytesTotal = f.path("bytes_total").asLong();
    String bytes = AdminText.bytes(f.path("bytes_done").asLong())
        + (bytesTotal >= 0 && !state.equals("local") ? "/" + AdminText.bytes(bytesTotal) : "");
    long messagesTotal = f.path("messages_total").asLong();
    String messages = AdminText.legacyDone(f) + (state.equals("local") ? ""
        : "/" + (messagesTotal < 0 ? "?" : Long.toString(messagesTotal))) + AdminText.local(f);
    return new String[] {
        f.path("folder").asText(),
        state,
        messages,
        bytes,
        state.equals("local") ? NONE : bar(state, AdminText.legacyDone(f), messagesTotal),
        errors(f),
        running && f.path("messages_per_second").asDouble() > 0
            ? AdminText.rate(f.path("messages_per_second").asDouble()) : NONE,
        running && eta >= 0 ? AdminText.duration(eta) : NONE};
  }

  /** {@code [#######.............]  34%}; the share is unknown ({@code ?}) while the legacy total is. */
  static String bar(String state, long done, long total) {
    double share;
    if (state.equals("complete")) {
      share = 1;
    } else if (total < 0) {
      return "[" + ".".repeat(BAR) + "]    ?";
    } else {
      share = total == 0 ? 0 : Math.min(1, (double) done / total);
    }
    int filled = (int) Math.floor(share * BAR);
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] "
        + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(share * 100));
  }

  private static String errors(JsonNode f) {
    List<String> parts = new ArrayList<>();
    if (f.hasNonNull("error")) {
      parts.add("error");
    }
    long skipped = f.path("skipped").asLong();
    if (skipped > 0) {
      parts.add(skipped + " skipped");
    }
    if (f.path("flags_dropped").asLong() > 0) {
      parts.add("flags dropped");
    }
    return parts.isEmpty() ? NONE : String.join(", ", parts);
  }

  /**
   * The terminal cells {@code text} takes: East Asian wide and fullwidth characters take two (a folder named 日本語
   * shifted every column after it), combining marks none.
   */
  static int cells(String text) {
    return text.codePoints().map(StatusTable::cells).sum();
  }

  private static int cells(int c) {
    int type = Character.getType(c);
    if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
      return 0;
    }
    Character.UnicodeScript script = Character.UnicodeScript.of(c);
    boolean wide = script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL
        || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6)
        || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF);
    return wide ? 2 : 1;
  }

  private static List<String> align(List<String[]> rows) {
    int[] width = new int[HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], cells(r[i]));
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        String pad = " ".repeat(width[i] - cells(r[i]));
        line.append(RIGHT[i] ? pad + r[i] : r[i] + pad).append(i < r.length - 1 ? "  " : "");
      }
      out.add(line.toString().stripTrailing());
    }
    return out;
  }
}
