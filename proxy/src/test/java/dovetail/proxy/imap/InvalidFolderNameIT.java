package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A name no folder can have here (the hierarchy separator is '.', and '/' cannot be part of a Maildir++ name) is
 * answered {@code NO [CANNOT]} with the reason, in the words stock Dovecot 2.3 uses for the same names with '.' as
 * its separator (checked by hand against 2.3.19.1: "Invalid mailbox name: Name must not have '/' characters", "Has
 * adjacent hierarchy separators", "Begins with hierarchy separator", "Mailbox name too long"), by CREATE, RENAME
 * and SUBSCRIBE alike, and logs no error: it is the client's mistake, not the server's.
 */
class InvalidFolderNameIT {
  private static final String SLASH = " NO [CANNOT] Invalid mailbox name: Name must not have '/' characters";

  @TempDir static Path tmp;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /** Every WARN and ERROR line logged, and every line that carries an exception, while it is attached. */
  private static final class Problems implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Problems() {
      appender.start();
      root().addAppender(appender);
    }

    List<String> lines() {
      synchronized (appender) {
        return appender.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
            .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : " | " + e.getThrowableProxy().getClassName()))
            .toList();
      }
    }

    @Override
    public void close() {
      root().detachAppender(appender);
    }

    private static Logger root() {
      return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
  }

  private static String tagged(RawImap imap, String command) throws Exception {
    String line = RawImap.last(imap.command(command));
    return line.substring(line.indexOf(' '));
  }

  @Test
  void createRenameAndSubscribeRefuseANameWithASlashWithTheReason() throws Exception {
    try (Problems problems = new Problems(); RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      assertEquals(SLASH, tagged(imap, "CREATE \"Neu/Ordner\""));
      assertEquals(SLASH, tagged(imap, "CREATE \"Projekte.Neu/Ordner\""));
      assertTrue(tagged(imap, "CREATE \"Neu.Ordner\"").startsWith(" OK "));
      assertEquals(SLASH, tagged(imap, "RENAME \"Neu.Ordner\" \"Alt/Ordner\""));
      assertEquals(SLASH, tagged(imap, "SUBSCRIBE \"Neu/Ordner\""));
      assertEquals(SLASH, tagged(imap, "UNSUBSCRIBE \"Neu/Ordner\""));

      List<String> listed = imap.command("LIST \"\" \"*\"");
      assertTrue(listed.contains("* LIST (\\HasNoChildren) \".\" \"Neu.Ordner\""), listed.toString());
      assertTrue(listed.stream().noneMatch(l -> l.contains("Alt") || l.contains("/")), listed.toString());
      assertTrue(tagged(imap, "SELECT \"Neu.Ordner\"").startsWith(" OK "), "the folder RENAME refused is intact");
      assertEquals(List.of(), problems.lines());
    }
  }

  @Test
  void otherNamesNoFolderCanHaveAreRefusedWithTheirReason() throws Exception {
    try (Problems problems = new Problems(); RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      assertEquals(" NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators",
          tagged(imap, "CREATE \"a..b\""));
      assertEquals(" NO [CANNOT] Invalid mailbox name: Begins with hierarchy separator", tagged(imap, "CREATE \".a\""));
      assertEquals(" NO [CANNOT] Invalid mailbox name: Name must not have '%' or '*' characters",
          tagged(imap, "CREATE \"to*do\""));
      assertEquals(" NO [CANNOT] Mailbox name too long", tagged(imap, "CREATE \"" + "x".repeat(300) + "\""));
      // A raw control character is not modified UTF-7 (Dovecot 2.3 answers so); an encoded one reaches the name check.
      assertEquals(" NO Mailbox name is not valid mUTF-7", tagged(imap, "CREATE \"a\u0001b\""));
      assertEquals(" NO [CANNOT] Invalid mailbox name: Name must not have control characters",
          tagged(imap, "CREATE \"a&AAE-b\""));
      assertEquals(" NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators",
          tagged(imap, "SUBSCRIBE \"a..b\""));
      assertTrue(tagged(imap, "CREATE \"Liste.\"").startsWith(" OK "), "a trailing separator is dropped, as before");
      // Stock Dovecot refuses to open such a folder after the hand-over (walk-through 6, W4): refused as Dovecot does.
      assertEquals(" NO [CANNOT] Invalid mailbox name: Begins with '~'", tagged(imap, "CREATE \"~keep\""));
      assertTrue(tagged(imap, "CREATE \"Keep\"").startsWith(" OK "));
      assertEquals(" NO [CANNOT] Invalid mailbox name: Begins with '~'", tagged(imap, "RENAME \"Keep\" \"~Keep\""));
      assertTrue(tagged(imap, "CREATE \"Keep.~sub\"").startsWith(" OK "), "only the name's first character, as Dovecot");
      assertEquals(List.of(), problems.lines());
    }
  }
}
