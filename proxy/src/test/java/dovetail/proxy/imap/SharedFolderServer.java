package dovetail.proxy.imap;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Mailbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Dovetail with one user, for tests in which several of that user's sessions work on the same folder
 * ({@code @RegisterExtension static final SharedFolderServer server = new SharedFolderServer();}).
 */
final class SharedFolderServer implements BeforeAllCallback, AfterAllCallback {
  static final String USER = "alice";
  private static final String PASSWORD = "secret";

  private Path dir;
  private TestDovetail dovetail;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("dovetail-shared-folder");
    dovetail = TestDovetail.builder(dir).user(USER, "{PLAIN}" + PASSWORD).start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (dovetail != null) {
      dovetail.close();
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

  /** A new session, logged in, with {@code folder} selected. */
  PipelineWire session(String folder) throws IOException {
    return new PipelineWire(dovetail.imapPort()).loginAndSelect(USER, PASSWORD, folder);
  }

  /** A new session, not logged in yet. */
  PipelineWire connection() throws IOException {
    return new PipelineWire(dovetail.imapPort());
  }

  /** The login command's arguments. */
  static String credentials() {
    return USER + " " + PASSWORD;
  }

  Mailbox create(String folder) throws IOException {
    return dovetail.store(USER).create(folder);
  }

  Mailbox open(String folder) throws IOException {
    return dovetail.store(USER).open(folder);
  }
}
