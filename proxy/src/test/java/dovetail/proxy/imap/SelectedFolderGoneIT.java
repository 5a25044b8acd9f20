package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another writer (a stock Dovecot on the same store, another process) deletes or renames the folder a session has
 * selected: the session ends as Dovecot ends it, '* BYE Selected mailbox was deleted, have to disconnect.', so the
 * client logs in again and sees the folders as they are (walk-through 6, W7: every command answered NO for ever).
 */
class SelectedFolderGoneIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static RawImap selecting(String folder) throws IOException {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK"));
    assertTrue(RawImap.last(imap.command("CREATE " + folder)).contains(" OK"));
    assertTrue(RawImap.last(imap.append(folder, "()", "Subject: x\r\n\r\ny\r\n".getBytes(StandardCharsets.US_ASCII)))
        .contains(" OK"));
    assertTrue(RawImap.last(imap.command("SELECT " + folder)).contains(" OK"));
    return imap;
  }

  @Test
  void aDeletedSelectedFolderEndsTheSession() throws Exception {
    try (RawImap imap = selecting("Tmpbox")) {
      dovetail.store("alice").delete("Tmpbox");
      imap.send("n NOOP");
      assertEquals(List.of("* BYE Selected mailbox was deleted, have to disconnect."), imap.untilClosed());
    }
  }

  @Test
  void aRenamedSelectedFolderEndsTheSession() throws Exception {
    try (RawImap imap = selecting("Before")) {
      dovetail.store("alice").rename("Before", "After");
      imap.send("f FETCH 1 (FLAGS)");
      assertEquals(List.of("* BYE Selected mailbox was deleted, have to disconnect."), imap.untilClosed());
    }
    try (RawImap again = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(again.command("LOGIN alice secret")).contains(" OK"));
      assertTrue(again.command("SELECT After").contains("* 1 EXISTS"), "the folder under its new name");
    }
  }
}
