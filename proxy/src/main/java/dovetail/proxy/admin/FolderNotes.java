package dovetail.proxy.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * What a folder's run left out or changed, one line each, as {@code backup} and {@code migrate --wait} print them under
 * the folder's line (each indents them to its own layout): messages skipped or not delivered, then the warnings
 * (flags not copied, renumberings, ...). One wording for both commands.
 */
public final class FolderNotes {
  private FolderNotes() {}

  /**
   * @param complete whether the folder is complete: its undeliverable messages were then skipped, else it stopped there
   * @param undeliverable the messages the legacy server did not deliver ({@code UID 7: reason})
   * @param warnings what the run copied only in part
   */
  public static List<String> lines(boolean complete, List<String> undeliverable, List<String> warnings) {
    List<String> lines = new ArrayList<>();
    for (String u : undeliverable) {
      lines.add("! " + (complete ? "skipped " : "undeliverable ") + u);
    }
    for (String w : warnings) {
      lines.add("! " + w);
    }
    return lines;
  }
}
