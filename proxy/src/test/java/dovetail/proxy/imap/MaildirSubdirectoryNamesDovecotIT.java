package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.LegacyMailboxes;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders named like a Maildir's own subdirectories ({@code new}, {@code tmp}, {@code cur}, also nested): in
 * Maildir++ they are the directories {@code .new}, {@code .Work.new}, which cannot collide with the root's
 * {@code new/}, and Dovecot lists them like any folder (mailbox-list-maildir-iter.c skips only names without the
 * leading '.'). Real Dovecot 2.3 is the legacy server and, over the same store, the judge.
 */
class MaildirSubdirectoryNamesDovecotIT {
  private static final List<String> FOLDERS = List.of("new", "tmp", "cur", "Work", "Work/new", "Work/cur");

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static DovecotServer judge;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("hank", "hank-pw").user("ivy", "ivy-pw")
        .user("jo", "jo-pw").masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    for (String user : List.of("hank", "ivy")) {
      try (ImapProbe p = ImapProbe.login(legacy, user)) {
        p.append("INBOX", message("inbox"), List.of(), Instant.parse("2023-03-03T03:03:03Z"));
        for (String folder : FOLDERS) {
          p.create(folder);
          p.append(folder, message(folder), List.of("\\Seen"), Instant.parse("2023-03-03T03:03:03Z"));
        }
      }
    }
    // The judge serves the store Dovetail writes (its homes exist and belong to the mail uid before Dovetail starts).
    judge = DovecotServer.builder(dir.resolve("judge")).user("hank", "hank-pw").user("ivy", "ivy-pw")
        .user("jo", "jo-pw").autoCreateSpecialUse(false).start();
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort(), "master", "master-secret")
        .setting("imapc_features = rfc822.size").setting("sweeper = no").setting("mail_fsync = never")
        .mailLocation("maildir:" + dir.resolve("judge/home") + "/%n/Maildir").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (judge != null) {
      judge.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private static byte[] message(String subject) {
    return ("From: legacy@example.org\r\nSubject: " + subject + "\r\n\r\nbody of " + subject + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Same folders, UIDs, flags, dates and bytes on the legacy server, in Dovetail and in Dovecot over the store. */
  private static void assertMigrated(String user) {
    judge.chownStore(user);
    String password = legacy.password(user);
    try (ImapProbe l = ImapProbe.login(legacy, user);
        ImapProbe d = ImapProbe.login(dovetail.imapPort(), user, password);
        ImapProbe j = ImapProbe.login(judge.imapPort(), user, password)) {
      Set<String> expected = new TreeSet<>(FOLDERS);
      expected.add("INBOX");
      assertEquals(expected, LegacyMailboxes.folders(l).keySet(), "the legacy server has the folders");
      assertEquals(7, LegacyMailboxes.assertSameMail(l, d, user + " in Dovetail"));
      assertEquals(7, LegacyMailboxes.assertSameMail(l, j, user + " in Dovecot over Dovetail's store"));
    }
    assertEquals(List.of(), judge.logProblems(), "Dovecot finds nothing wrong with the store");
  }

  @Test
  void migrateCopiesFoldersNamedNewTmpAndCurAndCountsThem() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "hank", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    for (String folder : FOLDERS) {
      assertTrue(migrate.out().contains("  " + folder + ": complete (1 messages"), migrate.out());
    }
    assertTrue(migrate.out().lines().anyMatch(l -> l.startsWith("hank: complete, 7/7 folders complete, 7 messages")),
        migrate.out());

    CliRun status = CliRun.of("status", "-c", conf, "-u", "hank", "--json");
    assertEquals(0, status.exit(), status.err());
    JsonNode user = new ObjectMapper().readTree(status.out()).path("users").path(0);
    assertTrue(user.path("complete").asBoolean(), user.toString());
    Set<String> listed = new TreeSet<>();
    user.path("folders").forEach(f -> {
      listed.add(f.path("folder").asText());
      assertEquals("complete", f.path("state").asText(), f.toString());
    });
    Set<String> expected = new TreeSet<>(FOLDERS);
    expected.add("INBOX");
    assertEquals(expected, listed, user.toString());

    CliRun verify = CliRun.of("verify", "-c", conf, "-u", "hank");
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    assertMigrated("hank");
  }

  @Test
  void backupCopiesFoldersNamedNewTmpAndCur() throws Exception {
    CliRun backup = CliRun.of("backup", "-c", dovetail.configFile().toString(), "-u", "ivy");
    assertEquals(0, backup.exit(), backup.out() + backup.err());
    assertTrue(backup.out().contains("ivy: complete, 7/7 folders complete, 7 messages"), backup.out());
    assertMigrated("ivy");
  }

  @Test
  void foldersCreatedWithThoseNamesAreListedByDovetailAndByDovecot() throws Exception {
    String password = legacy.password("jo");
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN jo " + password)).startsWith("a1 OK"));
      for (String folder : List.of("tmp", "new", "cur", "Work.tmp")) {
        assertTrue(RawImap.last(imap.command("CREATE " + folder)).contains("OK"), folder);
        assertTrue(RawImap.last(imap.append(folder, "()", message("created " + folder))).contains("OK"), folder);
      }
      List<String> list = imap.command("LIST \"\" *");
      for (String folder : List.of("tmp", "new", "cur", "Work", "Work.tmp")) {
        assertTrue(list.stream().anyMatch(l -> l.startsWith("* LIST (") && l.endsWith(" \".\" \"" + folder + "\"")),
            folder + " in " + list);
      }
    }
    judge.chownStore("jo");
    try (ImapProbe d = ImapProbe.login(dovetail.imapPort(), "jo", password);
        ImapProbe j = ImapProbe.login(judge.imapPort(), "jo", password)) {
      Set<String> folders = LegacyMailboxes.folders(j).keySet();
      assertTrue(folders.containsAll(List.of("INBOX", "tmp", "new", "cur", "Work/tmp")), folders.toString());
      assertEquals(folders, LegacyMailboxes.folders(d).keySet(), "Dovetail lists what Dovecot lists");
      for (String folder : List.of("tmp", "new", "cur", "Work/tmp")) {
        assertEquals(1, j.examine(folder).messages().size(), folder);
      }
    }
    assertEquals(List.of(), judge.logProblems(), "Dovecot finds nothing wrong with the store");
  }
}
