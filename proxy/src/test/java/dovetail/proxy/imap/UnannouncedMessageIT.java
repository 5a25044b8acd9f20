package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session's sequence numbers change only when it is told (RFC 3501 §5.2, §7.4.1; Dovecot syncs its view only when
 * it reports the changes). A message that another session appended must be announced with EXISTS before a response
 * names it by sequence number; James 3.8.1's SelectedMailboxImpl added it to the view as soon as the event arrived,
 * so "FETCH 1:*" and "SEARCH ALL" answered for message n+1 while the client still believed there were n ("* 2
 * FETCH" before "* 2 EXISTS"). And a message another session expunged keeps its sequence number until the EXPUNGE
 * is sent, which may not happen during FETCH, STORE or SEARCH. Dovetail's {@link FolderView} keeps the view. Each
 * case runs against Dovetail and against real Dovecot (skipped when it is not installed): both must pass.
 */
class UnannouncedMessageIT {
  @RegisterExtension static final SharedFolderServer server = new SharedFolderServer();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dovetail", "Dovecot"})
  void aFetchNeverNamesAMessageBeforeItsExists(String name) throws Exception {
    newMessageSeenBy(server.named(name), "FETCH 1:* (FLAGS)", "Fetched");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dovetail", "Dovecot"})
  void aSearchNeverNamesAMessageBeforeItsExists(String name) throws Exception {
    newMessageSeenBy(server.named(name), "SEARCH ALL", "Searched");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dovetail", "Dovecot"})
  void anExpungeByAnotherSessionWaitsUntilACommandMayReportIt(String name) throws Exception {
    SharedFolderServer.Target target = server.named(name);
    target.seed("Expunged", 3);
    try (PipelineWire a = target.connection(); PipelineWire b = target.session("Expunged")) {
      ClientView view = select(target, a, "Expunged");
      assertEquals(3, view.count());
      exchange(b, "b1 STORE 2 +FLAGS.SILENT (\\Deleted)", null);
      exchange(b, "b2 EXPUNGE", null);

      List<String> fetched = exchange(a, "a1 FETCH 3 (FLAGS)", view);
      assertTrue(fetched.stream().anyMatch(l -> l.startsWith("* 3 FETCH")), "message 3 is still 3: " + fetched);
      assertTrue(fetched.stream().noneMatch(l -> l.endsWith(" EXPUNGE")), "no EXPUNGE during FETCH: " + fetched);
      assertEquals(3, view.count());

      List<String> noop = exchange(a, "a2 NOOP", view);
      assertTrue(noop.contains("* 2 EXPUNGE"), "NOOP reports the expunge: " + noop);
      assertEquals(2, view.count());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Dovetail", "Dovecot"})
  void aSessionInIdleHearsOfAnotherSessionsChangesInOrder(String name) throws Exception {
    SharedFolderServer.Target target = server.named(name);
    target.seed("Idling", 2);
    try (PipelineWire a = target.connection(); PipelineWire b = target.session("Idling")) {
      ClientView view = select(target, a, "Idling");
      a.send("i IDLE\r\n");
      assertTrue(a.line().startsWith("+ "), "IDLE continues");
      String m = "Subject: new\r\n\r\nx\r\n";
      exchange(b, "b1 APPEND Idling {" + m.length() + "+}\r\n" + m, null);
      exchange(b, "b2 STORE 1 +FLAGS.SILENT (\\Deleted)", null);
      exchange(b, "b3 EXPUNGE", null);

      List<String> heard = new ArrayList<>();
      while (!heard.contains("* 1 EXPUNGE") || view.count() != 2) {
        String line = a.line();
        heard.add(line);
        view.read(line, String.join("\n", heard));
      }
      a.send("DONE\r\n");
      assertTrue(a.untilTagged("i").stream().anyMatch(l -> l.startsWith("i OK")));
      List<String> uids = exchange(a, "a1 FETCH 1:* (UID)", view);
      assertTrue(uids.contains("* 1 FETCH (UID 2)") && uids.contains("* 2 FETCH (UID 3)"),
          "sequence numbers follow what IDLE reported: " + uids);
    }
  }

  private void newMessageSeenBy(SharedFolderServer.Target target, String command, String folder) throws IOException {
    target.seed(folder, 1);
    try (PipelineWire a = target.connection(); PipelineWire b = target.session(folder)) {
      ClientView view = select(target, a, folder);
      assertEquals(1, view.count());
      String m = "Subject: x\r\n\r\nx\r\n";
      exchange(b, "b1 APPEND " + folder + " {" + m.length() + "+}\r\n" + m, null);

      exchange(a, "a1 " + command, view);
      assertEquals(2, view.count(), "the new message is announced by the time " + command + " completes");
    }
  }

  private static ClientView select(SharedFolderServer.Target target, PipelineWire wire, String folder)
      throws IOException {
    exchange(wire, "l LOGIN " + target.credentials(), null);
    ClientView view = new ClientView("session a on " + target.name());
    exchange(wire, "s SELECT " + folder, view);
    return view;
  }

  /** Sends one command, reads its responses into {@code view} (if any), and expects OK. */
  private static List<String> exchange(PipelineWire wire, String command, ClientView view) throws IOException {
    String tag = command.substring(0, command.indexOf(' '));
    wire.send(command + "\r\n");
    List<String> lines = wire.untilTagged(tag);
    String transcript = String.join("\n", lines);
    if (view != null) {
      lines.forEach(l -> view.read(l, transcript));
    }
    assertTrue(lines.get(lines.size() - 1).startsWith(tag + " OK"), transcript);
    return lines;
  }
}
