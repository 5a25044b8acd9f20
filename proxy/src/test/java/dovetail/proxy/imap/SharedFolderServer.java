package dovetail.proxy.imap;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Mailbox;
import dovetail.store.dovecot.DovecotServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Dovetail with one user, for tests in which several of that user's sessions work on the same folder
 * ({@code @RegisterExtension static final SharedFolderServer server = new SharedFolderServer();}), and on request
 * real Dovecot with the same user, so that a test can show both servers behave alike.
 */
final class SharedFolderServer implements BeforeAllCallback, AfterAllCallback {
  static final String USER = "alice";
  private static final String PASSWORD = "secret";

  /** A server under test, as an IMAP client reaches it. */
  record Target(String name, int port, String password) {
    /** A new connection, not logged in yet. */
    PipelineWire connection() throws IOException {
      return new PipelineWire(port);
    }

    /** A new session, logged in, for tests that send one command at a time. */
    RawImap login() throws IOException {
      RawImap imap = RawImap.connect(port);
      List<String> reply = imap.command("LOGIN " + credentials());
      if (!RawImap.last(reply).contains(" OK")) {
        imap.close();
        throw new IOException(name + ": " + reply);
      }
      return imap;
    }

    /** A new session, logged in, with {@code folder} selected. */
    PipelineWire session(String folder) throws IOException {
      return connection().loginAndSelect(USER, password, folder);
    }

    /** The LOGIN command's arguments. */
    String credentials() {
      return USER + " " + password;
    }

    /** Creates {@code folder} over IMAP and appends {@code messages} small messages to it. */
    void seed(String folder, int messages) throws IOException {
      try (PipelineWire wire = connection()) {
        wire.send("l LOGIN " + credentials() + "\r\nc CREATE " + folder + "\r\n");
        expectOk(wire, "l");
        expectOk(wire, "c");
        for (int i = 0; i < messages; i++) {
          String m = "Subject: m" + i + "\r\n\r\nx\r\n";
          wire.send("a" + i + " APPEND " + folder + " {" + m.length() + "}\r\n");
          if (!wire.line().startsWith("+")) {
            throw new IOException(name + " did not ask for the literal");
          }
          wire.send(m + "\r\n");
          expectOk(wire, "a" + i);
        }
      }
    }

    private void expectOk(PipelineWire wire, String tag) throws IOException {
      List<String> lines = wire.untilTagged(tag);
      if (!lines.get(lines.size() - 1).startsWith(tag + " OK")) {
        throw new IOException(name + ": " + lines);
      }
    }
  }

  private Path dir;
  private TestDovetail dovetail;
  private DovecotServer dovecot;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("dovetail-shared-folder");
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user(USER, "{PLAIN}" + PASSWORD).start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (dovecot != null) {
        dovecot.close();
      }
    } finally {
      if (dovetail != null) {
        dovetail.close();
      }
      delete(dir);
    }
  }

  Target dovetail() {
    return new Target("Dovetail", dovetail.imapPort(), PASSWORD);
  }

  /** Real Dovecot, started on first use; the calling test is skipped when Dovecot is not installed. */
  synchronized Target dovecot() {
    DovecotServer.assumeInstalled();
    if (dovecot == null) {
      dovecot = DovecotServer.builder(dir.resolve("dovecot")).user(USER, PASSWORD).autoCreateSpecialUse(false).start();
    }
    return new Target("Dovecot", dovecot.imapPort(), dovecot.password(USER));
  }

  /** Dovetail or Dovecot, by {@link Target#name()}. */
  Target named(String name) {
    return name.equals("Dovecot") ? dovecot() : dovetail();
  }

  Mailbox create(String folder) throws IOException {
    return dovetail.store(USER).create(folder);
  }

  Mailbox open(String folder) throws IOException {
    return dovetail.store(USER).open(folder);
  }

  private static void delete(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
