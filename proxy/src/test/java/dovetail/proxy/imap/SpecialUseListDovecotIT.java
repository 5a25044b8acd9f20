package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain LIST and every LSUB carry each folder's special-use attribute, as Dovecot 2.3 sends them unasked (RFC 6154
 * §2 allows it; many clients take Sent and Trash from a plain LIST); a LIST in LIST-EXTENDED syntax shows them only
 * when asked. Dovetail showed them only for {@code RETURN (SPECIAL-USE)} and the {@code (SPECIAL-USE)} selection.
 * Dovecot (special_use on Sent, Drafts, Trash, Junk) and Dovetail (James's names for folders of its own) serve the
 * same store; attributes are compared per folder, since Dovecot's separator is '/' and Dovetail's '.'.
 */
class SpecialUseListDovecotIT {
  @TempDir static Path tmp;
  private static DovecotTwin twin;
  private static RawImap dovecot;
  private static RawImap dovetail;

  @BeforeAll
  static void start() throws Exception {
    twin = DovecotTwin.start(tmp, store -> {
      for (String folder : List.of("INBOX", "Sent", "Drafts", "Trash", "Work")) {
        store.create(folder, 100, 1);
      }
      store.setSubscribed("Sent", true);
      store.setSubscribed("Work", true);
    });
    dovecot = twin.dovecot().login();
    dovetail = twin.dovetail().login();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {dovecot, dovetail, twin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static final List<String> SPECIAL_USE =
      List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash");
  private static final Pattern LISTING =
      Pattern.compile("^\\* (?:LIST|LSUB) \\(([^)]*)\\) (?:\"[^\"]*\"|NIL) (.*?)(?: \\(.*\\))?$");

  /** Folder name to its special-use attributes, in order, from the command's LIST or LSUB lines. */
  private static Map<String, List<String>> specialUse(RawImap imap, String command) throws IOException {
    List<String> lines = imap.command(command);
    assertTrue(RawImap.last(lines).contains(" OK "), command + ": " + lines);
    Map<String, List<String>> out = new TreeMap<>();
    for (String line : lines) {
      Matcher m = LISTING.matcher(line);
      if (m.matches()) {
        List<String> flags = new ArrayList<>();
        for (String attribute : m.group(1).split(" ")) {
          if (SPECIAL_USE.stream().anyMatch(attribute::equalsIgnoreCase)) {
            flags.add(attribute);
          }
        }
        out.put(m.group(2).replace("\"", "").replace('/', '.'), flags);
      }
    }
    return out;
  }

  /** Both servers answer {@code command} with these attributes; no folder carries one twice. */
  private static void assertBoth(String command, Map<String, List<String>> expected) throws IOException {
    Map<String, List<String>> onDovecot = specialUse(dovecot, command);
    Map<String, List<String>> onDovetail = specialUse(dovetail, command);
    assertEquals(expected, onDovecot, "Dovecot: " + command);
    assertEquals(onDovecot, onDovetail, "Dovetail against Dovecot: " + command);
  }

  private static final Map<String, List<String>> ALL = Map.of(
      "INBOX", List.of(),
      "Sent", List.of("\\Sent"),
      "Drafts", List.of("\\Drafts"),
      "Trash", List.of("\\Trash"),
      "Work", List.of());

  @Test
  void plainListShowsEachFolderSpecialUse() throws IOException {
    assertBoth("LIST \"\" *", ALL);
    assertBoth("LIST \"\" %", ALL);
  }

  @Test
  void listOfOneFolderShowsItsSpecialUseAndNoneForAnOrdinaryFolder() throws IOException {
    assertBoth("LIST \"\" Sent", Map.of("Sent", List.of("\\Sent")));
    assertBoth("LIST \"\" Work", Map.of("Work", List.of()));
  }

  @Test
  void lsubShowsTheSpecialUseOfSubscribedFolders() throws IOException {
    assertBoth("LSUB \"\" *", Map.of("Sent", List.of("\\Sent"), "Work", List.of()));
    assertBoth("LSUB \"\" Sent", Map.of("Sent", List.of("\\Sent")));
  }

  @Test
  void listExtendedFormsKeepTheirAttributesOnce() throws IOException {
    assertBoth("LIST \"\" * RETURN (SPECIAL-USE)", ALL);
    assertBoth("LIST (SPECIAL-USE) \"\" *",
        Map.of("Sent", List.of("\\Sent"), "Drafts", List.of("\\Drafts"), "Trash", List.of("\\Trash")));
    assertBoth("LIST \"\" * RETURN (SUBSCRIBED SPECIAL-USE)", ALL);
    assertBoth("LIST \"\" (Sent Trash) RETURN (SPECIAL-USE)",
        Map.of("Sent", List.of("\\Sent"), "Trash", List.of("\\Trash")));
  }

  /** Dovecot's rule (cmd-list.c): a LIST in LIST-EXTENDED syntax shows special use only when asked for it. */
  @Test
  void listExtendedFormsThatDoNotAskShowNone() throws IOException {
    Map<String, List<String>> none = Map.of(
        "INBOX", List.of(), "Sent", List.of(), "Drafts", List.of(), "Trash", List.of(), "Work", List.of());
    assertBoth("LIST (SUBSCRIBED) \"\" *", Map.of("Sent", List.of(), "Work", List.of()));
    assertBoth("LIST \"\" (Sent Work)", Map.of("Sent", List.of(), "Work", List.of()));
    assertBoth("LIST \"\" * RETURN (SUBSCRIBED)", none);
    assertBoth("LIST \"\" * RETURN (STATUS (MESSAGES))", none);
    assertBoth("LIST \"\" * RETURN ()", none);
    assertBoth("LIST () \"\" *", none);
    assertBoth("LIST () \"\" * RETURN ()", none);
  }
}
