package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CREATE with a name that is not valid modified UTF-7 (RFC 3501 §5.1.3): bytes that are not UTF-8, 8-bit text
 * (no UTF8=ACCEPT), a broken or needless '&' shift. Stock Dovecot 2.3 runs the same commands.
 */
class Mutf7FolderNameDovecotIT {
  @TempDir static Path dir;
  private static DovecotServer dovecot;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    dovecot = DovecotServer.builder(dir.resolve("dovecot")).user("alice", "secret").autoCreateSpecialUse(false).start();
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static final String INVALID = "NO Mailbox name is not valid mUTF-7";

  /** Literals: bytes that are not UTF-8, UTF-8 text, a cut UTF-8 sequence, an unterminated and an empty shift. */
  private static final List<byte[]> NAMES = List.of(
      new byte[] {(byte) 0xff, (byte) 0xfe},
      "B\u00e4r".getBytes(StandardCharsets.UTF_8),
      new byte[] {'a', (byte) 0xc3},
      "&Jjo".getBytes(StandardCharsets.US_ASCII),
      "&-&".getBytes(StandardCharsets.US_ASCII));

  private static final List<String> QUOTED = List.of("CREATE \"B\u00e4r\"", "SELECT \"B\u00e4r\"", "EXAMINE \"B\u00e4r\"",
      "DELETE \"B\u00e4r\"", "RENAME INBOX \"B\u00e4r\"", "STATUS \"B\u00e4r\" (MESSAGES)", "SUBSCRIBE \"B\u00e4r\"",
      "UNSUBSCRIBE \"B\u00e4r\"");

  /** The tagged answers (without tag and Dovecot's timing) to each command, and what LIST shows afterwards. */
  private static List<String> answers(int port) throws Exception {
    List<String> out = new ArrayList<>();
    try (RawImap imap = RawImap.connect(port)) {
      imap.command("LOGIN alice secret");
      for (byte[] name : NAMES) {
        out.add("CREATE {" + name.length + "} -> " + text(imap.commandWithLiteral("CREATE", name)));
      }
      for (String c : List.of("SELECT", "DELETE", "SUBSCRIBE")) {
        out.add(c + " {1} -> " + text(imap.commandWithLiteral(c, new byte[] {(byte) 0xff})));
      }
      for (String c : QUOTED) {
        out.add(c + " -> " + text(imap.command(c)));
      }
      out.add(imap.command("LIST \"\" *").stream().filter(l -> l.startsWith("* LIST")).map(l -> l.replace("\"", ""))
          .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList().toString());
    }
    return out;
  }

  private static String text(List<String> reply) {
    String line = RawImap.last(reply);
    return line.substring(line.indexOf(' ') + 1).replaceFirst(" \\([0-9.+ ]+ secs\\)\\.$", "");
  }

  /** An 8-bit LIST or LSUB pattern matches no folder: OK and nothing listed, as Dovecot answers (James: BAD). */
  @Test
  void patternsWith8BitBytesMatchNothing() throws Exception {
    for (int port : new int[] {dovecot.imapPort(), dovetail.imapPort()}) {
      try (RawImap imap = RawImap.connect(port)) {
        imap.command("LOGIN alice secret");
        for (String command : List.of("LIST \"\" \"B\u00e4r*\"", "LSUB \"\" \"B\u00e4r\"", "LIST \"B\u00e4r\" *")) {
          List<String> reply = imap.command(command);
          assertEquals(1, reply.size(), port + " " + command + ": " + reply);
          assertTrue(text(reply).startsWith("OK "), port + " " + command + ": " + reply);
        }
      }
    }
  }

  /**
   * Names that decode but are not how modified UTF-7 writes them (walk-through 13, B7): an encoded printable ASCII
   * character ("&AGE-" is "a"), two adjacent encoded runs, an encoded NUL. Dovecot refuses each in
   * every command that takes a mailbox name, and a LIST or LSUB with one matches nothing; James decoded them and
   * CREATE "&AGE-" made a folder "a". (Dovecot 2.3 does not mind padding bits that are not zero: "&AOR-" is "ä".)
   */
  private static final List<String> NON_CANONICAL = List.of("&AGE-", "&AOQ-&AOQ-", "x&AGEA5A-", "&AAA-");

  private static List<String> nonCanonicalAnswers(int port) throws Exception {
    List<String> out = new ArrayList<>();
    try (RawImap imap = RawImap.connect(port)) {
      imap.command("LOGIN alice secret");
      imap.command("CREATE Real");
      for (String name : NON_CANONICAL) {
        for (String c : List.of("CREATE \"%s\"", "SELECT \"%s\"", "EXAMINE \"%s\"", "DELETE \"%s\"",
            "RENAME Real \"%s\"", "RENAME \"%s\" Other", "STATUS \"%s\" (MESSAGES)", "SUBSCRIBE \"%s\"",
            "UNSUBSCRIBE \"%s\"", "APPEND \"%s\" {1+}\r\nx", "LIST \"\" \"%s\"", "LIST \"%s\" \"*\"",
            "LSUB \"\" \"%s\"")) {
          String command = String.format(c, name);
          List<String> reply = imap.command(command);
          String answer = text(reply);
          // Only the OK itself: the texts of LIST's and LSUB's OK differ ("List completed" / "LIST completed.")
          out.add(command.replace("\r\n", " ") + " -> " + reply.subList(0, reply.size() - 1) + " "
              + (answer.startsWith("OK ") ? "OK" : answer));
        }
      }
      imap.command("APPEND INBOX {1+}\r\nx");
      imap.command("SELECT INBOX");
      for (String name : NON_CANONICAL) {
        for (String c : List.of("COPY 1:* \"%s\"", "MOVE 1:* \"%s\"")) {
          String command = String.format(c, name);
          out.add(command + " -> " + text(imap.command(command)));
        }
      }
      out.add(imap.command("LIST \"\" *").stream().filter(l -> l.startsWith("* LIST")).map(l -> l.replace("\"", ""))
          .map(l -> l.substring(l.lastIndexOf(' ') + 1)).sorted().toList().toString());
    }
    return out;
  }

  @Test
  void nonCanonicalNamesAreRefusedAsByDovecot() throws Exception {
    List<String> dovecotAnswers = nonCanonicalAnswers(dovecot.imapPort());
    List<String> dovetailAnswers = nonCanonicalAnswers(dovetail.imapPort());
    assertTrue(dovecotAnswers.stream().anyMatch(a -> a.startsWith("CREATE \"&AGE-\" -> [] " + INVALID)), "Dovecot: "
        + dovecotAnswers);
    assertEquals(dovecotAnswers, dovetailAnswers);
    assertEquals("[INBOX, Real]", dovetailAnswers.get(dovetailAnswers.size() - 1), "nothing was created");
  }

  @Test
  void namesThatAreNotModifiedUtf7AreAnsweredNoAsByDovecot() throws Exception {
    List<String> dovecotAnswers = answers(dovecot.imapPort());
    List<String> dovetailAnswers = answers(dovetail.imapPort());
    for (String answer : dovecotAnswers.subList(0, dovecotAnswers.size() - 1)) {
      assertTrue(answer.endsWith(" -> " + INVALID), "Dovecot: " + answer);
    }
    assertEquals(dovecotAnswers, dovetailAnswers);
    assertEquals("[INBOX]", dovetailAnswers.get(dovetailAnswers.size() - 1), "nothing was created");
  }
}
