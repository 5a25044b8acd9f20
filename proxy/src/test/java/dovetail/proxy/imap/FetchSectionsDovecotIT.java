package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FETCH of numbered and partial sections, served by real Dovecot 2.3 and by Dovetail from copies of one store:
 * a partial item names its origin octet in the reply (RFC 3501 §7.4.2, BODY[1]<10> for BODY[1]<10.20>), and a
 * multipart whose boundary never appears (or that has none) has the one empty text/plain part Dovecot gives it.
 */
class FetchSectionsDovecotIT {
  @TempDir static Path tmp;
  private static DovecotTwin twin;

  private static final String MIXED = "From: a@example.org\r\nSubject: two parts\r\n"
      + "Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
      + "The first part has some text in it.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>second</p>\r\n--b--\r\n";
  private static final String NO_PARTS = "From: a@example.org\r\nSubject: no parts\r\n"
      + "Content-Type: multipart/mixed; boundary=never\r\n\r\nno boundary line at all\r\n";
  private static final String ONLY_CLOSING = "Subject: closed at once\r\n"
      + "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x--\r\n";
  private static final String EMPTY_INSIDE = "Subject: empty alternative inside\r\n"
      + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n"
      + "Content-Type: multipart/alternative; boundary=inner\r\n\r\nnothing inside\r\n--outer\r\n"
      + "Content-Type: text/plain\r\n\r\nafter\r\n--outer--\r\n";
  /** No boundary parameter at all (walk-through 8, W2: its BODYSTRUCTURE was ("MIXED" NIL NIL NIL NIL), no part). */
  private static final String NO_BOUNDARY = "Subject: no boundary\r\nContent-Type: multipart/mixed\r\n\r\n"
      + "just text\r\n";

  @BeforeAll
  static void start() throws Exception {
    Instant date = Instant.parse("2024-03-04T05:06:07Z");
    twin = DovecotTwin.start(tmp, List.of(new DovecotTwin.Message(1, date, Flags.NONE, MIXED),
        new DovecotTwin.Message(2, date, Flags.NONE, NO_PARTS), new DovecotTwin.Message(3, date, Flags.NONE, ONLY_CLOSING),
        new DovecotTwin.Message(4, date, Flags.NONE, EMPTY_INSIDE), new DovecotTwin.Message(5, date, Flags.NONE,
        NO_BOUNDARY)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (twin != null) {
      twin.close();
    }
  }

  /** Each command with its untagged lines (literals inline) and the tagged status word. */
  private static List<String> replies(DovecotTwin.Server server, List<String> commands) throws IOException {
    List<String> out = new ArrayList<>();
    try (RawImap imap = server.login()) {
      assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK "), server.name());
      for (String command : commands) {
        List<String> lines = imap.command(command);
        List<String> untagged = new ArrayList<>(lines.subList(0, lines.size() - 1));
        // Media types and encodings differ only in case (see ImapItems.structureCase).
        untagged.replaceAll(FetchSectionsDovecotIT::structureCase);
        out.add(command + " -> " + untagged + " " + RawImap.last(lines).split(" ")[1]);
      }
    }
    return out;
  }

  /** A BODY or BODYSTRUCTURE item in the line with the case of its media types and encodings made alike. */
  private static String structureCase(String line) {
    for (String name : List.of("BODYSTRUCTURE", "BODY")) {
      if (line.contains(" " + name + " (") || line.contains("(" + name + " (")) {
        String item = ImapItems.item(line, name);
        return line.replace(item, ImapItems.structureCase(item));
      }
    }
    return line;
  }

  private static void assertAgree(List<String> commands) throws IOException {
    assertEquals(String.join("\n", replies(twin.dovecot(), commands)),
        String.join("\n", replies(twin.dovetail(), commands)));
  }

  @Test
  void partialSectionsNameTheirOrigin() throws Exception {
    assertAgree(List.of("FETCH 1 BODY.PEEK[1]<10.20>", "FETCH 1 BODY.PEEK[HEADER]<0.5>", "FETCH 1 BODY.PEEK[]<5.10>",
        "FETCH 1 BODY.PEEK[TEXT]<3.4>", "FETCH 1 BODY.PEEK[1]<100.5>", "FETCH 1 BODY.PEEK[1.MIME]<2.10>",
        "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.7>", "FETCH 1 (BODY.PEEK[1]<0.3> BODY.PEEK[2]<1.3>)",
        "FETCH 1 BODY.PEEK[3]<0.3>", "FETCH 1 (BODY.PEEK[]<0.4> BODY.PEEK[1]<0.3>)",
        "FETCH 1 (BODYSTRUCTURE BODY.PEEK[HEADER]<2.3>)", "FETCH 1 BODY.PEEK[1]"));
    try (RawImap imap = twin.dovetail().login()) {
      imap.command("EXAMINE INBOX");
      assertEquals("* 1 FETCH (BODY[1]<10> {20}\r\npart has some text i)", imap.command("FETCH 1 BODY.PEEK[1]<10.20>").get(0));
    }
  }

  @Test
  void multipartWithoutPartsHasOneEmptyTextPart() throws Exception {
    List<String> commands = new ArrayList<>();
    for (int n = 2; n <= 5; n++) {
      for (String item : List.of("BODYSTRUCTURE", "BODY", "BODY.PEEK[1]", "BODY.PEEK[1]<0.3>", "BODY.PEEK[1.MIME]",
          "BODY.PEEK[2]", "BODY.PEEK[1.1]", "BODY.PEEK[TEXT]")) {
        commands.add("FETCH " + n + " " + item);
      }
    }
    assertAgree(commands);
  }

  @Test
  void dovecotLoggedNoProblems() {
    assertTrue(twin.dovecotLogProblems().isEmpty(), twin.dovecotLogProblems().toString());
  }
}
