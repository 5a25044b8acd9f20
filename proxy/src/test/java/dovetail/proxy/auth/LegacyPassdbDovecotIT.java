package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code passdb = legacy} with real Dovecot 2.3 as the legacy server, and a second real Dovecot serving Dovetail's
 * store afterwards, to show that it ignores the {@value StoredPasswordHash#FILE} file. Skipped without Dovecot.
 */
class LegacyPassdbDovecotIT {
  @TempDir Path dir;

  @BeforeEach
  void needsDovecot() {
    DovecotServer.assumeInstalled();
  }

  private TestDovetail.Builder dovetail(DovecotServer legacy, Path judgeDir) {
    return TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort())
        .mailLocation("maildir:" + judgeDir.resolve("home") + "/%n/Maildir");
  }

  @Test
  void dovecotChecksThePasswordAndLaterServesTheStoreIgnoringTheHashFile() throws Exception {
    Path judgeDir = dir.resolve("judge");
    Path hash = DovecotServer.maildir(judgeDir, "alice").resolve(StoredPasswordHash.FILE);
    try (DovecotServer legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "Dove-Secret-5")
             .autoCreateSpecialUse(false).start(); // the login builds the skeleton: INBOX only
         TestDovetail dovetail = dovetail(legacy, judgeDir).start()) {
      assertEquals(Kind.AUTH_FAILED, FrontEndClient.refusal(
          () -> FrontEndClient.folders(dovetail.imapPort(), "alice", "Wrong-Guess-42")));
      assertFalse(Files.exists(hash));
      assertTrue(FrontEndClient.folders(dovetail.imapPort(), "alice", "Dove-Secret-5").contains("INBOX"));
      assertTrue(Files.exists(hash));
      dovetail.store("alice").create("Kept");
    }
    String written = Files.readString(hash);
    try (DovecotServer judge = DovecotServer.builder(judgeDir).user("alice", "judge-pw").autoCreateSpecialUse(false)
        .start()) {
      try (ImapProbe probe = ImapProbe.login(judge, "alice")) {
        List<String> names = probe.list().stream().map(ImapProbe.ListEntry::name).sorted().toList();
        assertEquals(List.of("INBOX", "Kept"), names, "the hash file is no folder");
        probe.examine("INBOX");
      }
      judge.doveadm("force-resync", "-u", "alice", "*");
      assertEquals(List.of(), judge.logProblems());
    }
    assertEquals(written, Files.readString(hash), "Dovecot left the file alone");
  }

  @Test
  void aMasterUserOfDovetailOpensAUserThatDovetailKnows() throws Exception {
    Path judgeDir = dir.resolve("judge");
    try (DovecotServer legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "Dove-Secret-5")
        .user("carol", "Carol-Secret-6").start();
         TestDovetail dovetail = dovetail(legacy, judgeDir).masterUser("admin", "{PLAIN}Admin-Pass-31").start()) {
      assertNull(FrontEndClient.refusal(() -> FrontEndClient.folders(dovetail.imapPort(), "alice", "Dove-Secret-5")));
      for (MasterLoginStyle style : MasterLoginStyle.values()) {
        assertTrue(FrontEndClient.foldersAsMaster(dovetail.imapPort(), "alice", "admin", "Admin-Pass-31", style)
            .contains("INBOX"), style.toString());
        assertEquals(Kind.AUTH_FAILED, FrontEndClient.refusal(() -> FrontEndClient.foldersAsMaster(
            dovetail.imapPort(), "carol", "admin", "Admin-Pass-31", style)), "carol has no store here yet");
      }
      assertEquals(Kind.AUTH_FAILED, FrontEndClient.refusal(
          () -> FrontEndClient.folders(dovetail.imapPort(), "admin", "Admin-Pass-31")), "no login as the master");
    }
  }
}
