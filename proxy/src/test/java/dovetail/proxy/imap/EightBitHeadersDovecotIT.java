package dovetail.proxy.imap;

import static dovetail.proxy.imap.MessageBytes.concat;
import static dovetail.proxy.imap.MessageBytes.latin1;
import static dovetail.proxy.imap.MessageBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw 8-bit (UTF-8, not MIME-encoded) header text, as mail in the field carries it, served by real Dovecot and by
 * Dovetail from copies of one store: ENVELOPE must carry the octets as Dovecot sends them, and SEARCH CHARSET UTF-8
 * must find them.
 */
class EightBitHeadersDovecotIT {
  @TempDir static Path tmp;
  private static DovecotTwin twin;

  private static final String SUBJECT = "Gr\u00fc\u00dfe aus K\u00f6ln";
  private static final String NAME = "J\u00fcrgen M\u00fcller";

  /** A raw UTF-8 Subject in a header whose other fields hold Latin-1 octets (not valid UTF-8). */
  private static final byte[] MIXED_HEADER = concat(latin1("From: J\u00f6rg <j\u00f6rg@example.org>\r\n"),
      utf8("Subject: Fr\u00fchling in M\u00fcnchen\r\n"), latin1("X-Note: caf\u00e9 cr\u00e8me\r\n"),
      utf8("Date: Mon, 4 Mar 2024 06:06:07 +0100\r\n\r\nbody\r\n"));

  @BeforeAll
  static void start() throws Exception {
    Instant date = Instant.parse("2024-03-04T05:06:07Z");
    List<byte[]> messages = List.of(
        utf8("From: " + NAME + " <j@example.org>\r\nTo: \"B\u00e4r\" <b@example.org>"
            + "\r\nSubject: " + SUBJECT + "\r\nDate: Mon, 4 Mar 2024 06:06:07 +0100\r\n\r\nK\u00e4se\r\n"),
        utf8("From: a@example.org\r\nSubject: plain ascii\r\n\r\nbody\r\n"),
        utf8("From: c@example.org\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= encoded\r\n\r\nbody\r\n"),
        MIXED_HEADER);
    twin = DovecotTwin.start(tmp, date, messages);
  }

  @AfterAll
  static void stop() throws Exception {
    if (twin != null) {
      twin.close();
    }
  }

  /** The ENVELOPE item of one message exactly as the server sent it (literals inline, octets as ISO-8859-1). */
  private static String envelope(DovecotTwin.Server server, long uid) throws IOException {
    try (RawImap imap = server.login()) {
      assertTrue(RawImap.last(imap.command("EXAMINE INBOX")).contains(" OK "), server.name());
      List<String> lines = imap.command("UID FETCH " + uid + " ENVELOPE");
      assertTrue(RawImap.last(lines).contains(" OK "), server.name() + ": " + lines);
      return ImapItems.item(lines.get(0), "ENVELOPE");
    }
  }

  private static String octets(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  @Test
  void envelopeCarriesEightBitSubjectAndNamesAsDovecotDoes() throws Exception {
    String dovecot = envelope(twin.dovecot(), 1);
    String dovetail = envelope(twin.dovetail(), 1);
    assertEquals(dovecot, dovetail);
    assertTrue(dovetail.contains("{" + octets(SUBJECT).length() + "}\r\n" + octets(SUBJECT)), dovetail);
    assertTrue(dovetail.contains("{" + octets(NAME).length() + "}\r\n" + octets(NAME)), dovetail);
  }

  @Test
  void sevenBitEnvelopesStayQuotedAsOnDovecot() throws Exception {
    for (long uid : new long[] {2, 3}) {
      assertEquals(envelope(twin.dovecot(), uid), envelope(twin.dovetail(), uid));
    }
  }

  /** A UTF-8 search string as a LITERAL+ literal (RFC 3501 §6.4.4 CHARSET, RFC 7888). */
  private static String search(String key, String text) {
    return "SEARCH CHARSET UTF-8 " + key + " {" + text.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + text;
  }

  @Test
  void searchFindsRawUtf8HeaderText() throws Exception {
    List<String> commands = List.of(search("SUBJECT", "Gr\u00fc\u00dfe"), search("SUBJECT", "K\u00d6LN"),
        search("FROM", "M\u00fcller"), search("TO", "B\u00e4r"), search("HEADER SUBJECT", "aus K\u00f6ln"),
        search("SUBJECT", "Gr\u00fcsse"), "SEARCH CHARSET UTF-8 SUBJECT aus");
    twin.assertAgree(commands);
    assertEquals("* SEARCH 1 3", twin.onDovetail().command(commands.get(0)).get(0));
    assertEquals("* SEARCH 1", twin.onDovetail().command(commands.get(1)).get(0));
  }

  /**
   * Header values are decoded line by line: a raw UTF-8 Subject is found though another field of the same header holds
   * Latin-1 octets (the whole header read as Latin-1 made the Subject unreadable).
   */
  @Test
  void utf8SubjectIsFoundNextToLatin1Fields() throws Exception {
    List<String> commands = List.of(search("SUBJECT", "Fr\u00fchling"), search("SUBJECT", "M\u00dcNCHEN"),
        search("HEADER SUBJECT", "in M\u00fcnchen"), search("FROM", "J\u00f6rg"), search("FROM", "example.org"),
        search("HEADER X-Note", "caf\u00e9"), search("HEADER X-Note", "cr"), search("TEXT", "Fr\u00fchling"),
        "SEARCH CHARSET UTF-8 SUBJECT in", "SORT (SUBJECT) UTF-8 ALL", "SORT (FROM) UTF-8 ALL");
    twin.assertAgree(commands);
    assertEquals("* SEARCH 4", twin.onDovetail().command(commands.get(0)).get(0));
    assertEquals("* SEARCH 4", twin.onDovetail().command(commands.get(1)).get(0));
  }

  @Test
  void dovecotLoggedNoProblems() {
    assertTrue(twin.dovecotLogProblems().isEmpty(), twin.dovecotLogProblems().toString());
  }
}
