package dovetail.proxy.imap;

import static dovetail.proxy.imap.MessageBytes.concat;
import static dovetail.proxy.imap.MessageBytes.latin1;
import static dovetail.proxy.imap.MessageBytes.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEARCH BODY and TEXT (RFC 3501 §6.4.4) over a small corpus, served by real Dovecot 2.3 and by Dovetail from
 * copies of one store: transfer encodings and charsets decoded, an unknown charset read as UTF-8 (it must not
 * break the search of the whole folder), a match at the very end of a part found, and only text/* and message/*
 * bodies searched (not preambles, epilogues or application/* parts), headers only by TEXT.
 */
class SearchTextDovecotIT {
  @TempDir static Path tmp;
  private static DovecotTwin twin;

  static final List<byte[]> MESSAGES = List.of(
      utf8("Subject: bogus charset\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n"
          + "Bonjour caf\u00e9, unknown charset here\r\n"),
      utf8("Subject: no newline\r\n\r\nthe last word is endmatch"),
      concat(utf8("Subject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\npreambletext\r\n--b\r\n"
          + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
          + "caf=C3=A9 quoted, soft=\r\nbreak, and the part ends with lastword\r\n--b\r\n"
          + "Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n"),
          utf8(Base64.getMimeEncoder().encodeToString(latin1("<p>htmlword na\u00efve</p>\r\n")) + "\r\n"),
          utf8("--b\r\nContent-Type: application/octet-stream\r\n\r\nsecretbinary\r\n--b\r\n"
          + "Content-Type: message/rfc822\r\n\r\nSubject: innersubject\r\n\r\ninnerbody\r\n--b--\r\nepiloguetext\r\n")),
      latin1("Subject: latin\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGr\u00fc\u00dfe aus K\u00f6ln\r\n"),
      utf8("From: someone@example.org\r\nSubject: headeronly\r\n\r\nhello world\r\n"),
      utf8("Subject: raw\r\n\r\nna\u00efve raw utf-8 r\u00e9sum\u00e9\r\n"),
      utf8("Subject: =?utf-8?q?encoded_h=C3=A9ader?=\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n\r\n"
          + Base64.getMimeEncoder().encodeToString(utf8("base64 body with \u00fcml\u00e4uts")) + "\r\n"));

  @BeforeAll
  static void start() throws Exception {
    Instant date = Instant.parse("2024-03-04T05:06:07Z");
    twin = DovecotTwin.start(tmp, date, MESSAGES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (twin != null) {
      twin.close();
    }
  }

  /** The search string as a LITERAL+ literal, so that any UTF-8 goes through (RFC 3501 §6.4.4 CHARSET, RFC 7888). */
  private static String search(String key, String text) {
    return "SEARCH CHARSET UTF-8 " + key + " {" + utf8(text).length + "+}\r\n" + text;
  }

  private static final List<String> WORDS = List.of("unknown charset", "CAF\u00c9", "endmatch", "lastword", "softbreak",
      "quoted", "htmlword", "na\u00efve", "secretbinary", "preambletext", "epiloguetext", "innersubject", "innerbody",
      "headeronly", "Gr\u00fc\u00dfe", "K\u00d6LN", "hello", "nowhere at all", "Subject", "example.org", "r\u00e9sum\u00e9",
      "\u00fcml\u00e4uts", "h\u00e9ader");

  @Test
  void bodyAndTextFindWhatDovecotFinds() throws Exception {
    List<String> commands = new ArrayList<>();
    for (String word : WORDS) {
      commands.add(search("BODY", word));
      commands.add(search("TEXT", word));
    }
    commands.add("SEARCH NOT BODY hello");
    commands.add("SEARCH OR BODY endmatch TEXT headeronly");
    twin.assertAgree(commands);
  }

  /**
   * A client that sends UTF-8 without CHARSET (walk-through 8, W8: Dovetail answered BAD Illegal encoding, Dovecot
   * searched): read as UTF-8, in quoted strings and literals, as Dovecot reads it.
   */
  @Test
  void eightBitSearchStringsWithoutCharsetAreReadAsUtf8() throws Exception {
    String literal = "na\u00efve";
    twin.assertAgree(List.of("SEARCH BODY \"Gr\u00fc\u00dfe\"", "SEARCH SUBJECT \"h\u00e9ader\"",
        "UID SEARCH TEXT \"r\u00e9sum\u00e9\"", "SEARCH OR BODY \"K\u00f6ln\" NOT TEXT \"\u00fcml\u00e4uts\"",
        "SEARCH BODY {" + utf8(literal).length + "+}\r\n" + literal));
    assertEquals("* SEARCH 4", twin.onDovetail().command("SEARCH BODY \"Gr\u00fc\u00dfe\"").get(0));
  }

  @Test
  void anUnknownCharsetIsReadAsUtf8AndSpoilsNothing() throws Exception {
    assertEquals("* SEARCH 1", twin.onDovetail().command(search("BODY", "bonjour caf\u00e9")).get(0));
    assertEquals("* SEARCH 5", twin.onDovetail().command("SEARCH BODY hello").get(0));
  }

  /** Messages 2 to 7 only, so that the unknown charset of message 1 plays no part. */
  @Test
  void aMatchAtTheVeryEndOfAPartIsFound() throws Exception {
    assertEquals("* SEARCH 2", twin.onDovetail().command("SEARCH 2:* BODY endmatch").get(0));
    assertEquals("* SEARCH 3", twin.onDovetail().command("SEARCH 2:* BODY lastword").get(0));
  }

  @Test
  void dovecotLoggedNoProblems() {
    assertTrue(twin.dovecotLogProblems().isEmpty(), twin.dovecotLogProblems().toString());
  }
}
