package dovetail.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.LegacyMailboxes;
import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dovetail migrate|status|verify} as an operator types them, against the real service of a running server,
 * with real Dovecot 2.3 as the legacy server. Dovetail knows only the legacy master user's password and the sweeper
 * is off, so what migrates carol and dave, who never logged in, is the admin command, with the master user.
 */
class AdminEndToEndDovecotIT {
  private static final Map<String, Integer> CAROL = LegacyMailboxes.counts("INBOX", 40, "Sent", 25, "Archive/2024", 30);
  private static final Map<String, Integer> GUS = LegacyMailboxes.counts("INBOX", 3);
  private static final Map<String, Integer> DAVE = LegacyMailboxes.counts("INBOX", 3, "Sent", 4);
  private static final Map<String, Integer> HAL = LegacyMailboxes.counts("INBOX", 6);
  private static final Map<String, Integer> IVY = LegacyMailboxes.counts("INBOX", 8, "Sent", 3);
  private static final Map<String, Integer> KIM = LegacyMailboxes.counts("INBOX", 5, "Sent", 2);

  @TempDir static Path dir;
  private static Path sweeperUsers;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "carol"), CAROL, 7);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "dave"), DAVE, 8);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "gus"), GUS, 9);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "hal"), HAL, 10);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "ivy"), IVY, 11);
    LegacyMailboxes.write(DovecotServer.maildir(legacyDir, "kim"), KIM, 12);
    legacy = DovecotServer.builder(legacyDir).user("carol", "carol-pw").user("dave", "dave-pw").user("fay", "fay-pw")
        .user("gus", "gus-pw").user("hal", "hal-pw").user("ivy", "ivy-pw").user("kim", "kim-pw")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    try (ImapProbe fay = ImapProbe.login(legacy, "fay")) {
      for (int i = 0; i < 30; i++) { // Dovecot keeps them all in its index; a Maildir folder holds 26
        fay.append("INBOX", ("Subject: k" + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII),
            List.of("kw" + i), Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i));
      }
    }
    sweeperUsers = dir.resolve("sweeper-users");
    Files.writeString(sweeperUsers, "# read again on every status\n");
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort())
        .setting("sweeper_users = " + sweeperUsers)
        .setting("imapc_master_user = master").setting("imapc_password = master-secret")
        .setting("imapc_features = rfc822.size").setting("sweeper = no").setting("mail_fsync = never")
        .setting("dsync_commit_msgs_interval = 10").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private static JsonNode json(CliRun run) throws IOException {
    return AdminProtocol.JSON.readTree(run.out());
  }

  private static JsonNode status(String user) throws IOException {
    CliRun status = CliRun.of("status", "-c", dovetail.configFile().toString(), "-u", user, "--json");
    assertEquals(0, status.exit(), status.err());
    JsonNode doc = json(status);
    assertEquals(1, doc.path("users").size(), status.out());
    assertEquals(user, doc.path("users").path(0).path("user").asText());
    return doc.path("users").path(0);
  }

  private static Map<String, JsonNode> folders(JsonNode user) {
    Map<String, JsonNode> out = new HashMap<>();
    user.path("folders").forEach(f -> out.put(f.path("folder").asText(), f));
    return out;
  }

  @Test
  void migrateWaitCompletesAUserWhoNeverLoggedInAndStatusFollowsEveryStep() throws Exception {
    String conf = dovetail.configFile().toString();
    JsonNode before = status("carol");
    assertFalse(before.path("skeleton").asBoolean(), before.toString());
    assertFalse(before.path("complete").asBoolean(), before.toString());
    assertEquals(0, before.path("summary").path("messages_done").asLong(), before.toString());
    assertFalse(Files.exists(dovetail.mailRoot().resolve("carol")), "status creates no store");

    CliRun inbox = CliRun.of("migrate", "-c", conf, "-u", "carol", "-f", "INBOX", "--wait");
    assertEquals(0, inbox.exit(), inbox.out() + inbox.err());
    assertTrue(inbox.out().contains("  INBOX: complete (40 messages"), inbox.out());
    // The run took one folder; the user's whole picture follows it (walk-through 15, F8).
    assertTrue(inbox.out().lines().anyMatch(l -> l.startsWith("carol (all folders): 1/3 folders complete, 2 pending; 40/?"
        + " messages")), inbox.out());
    JsonNode mid = status("carol");
    assertTrue(mid.path("skeleton").asBoolean(), mid.toString());
    assertFalse(mid.path("complete").asBoolean(), mid.toString());
    Map<String, JsonNode> midFolders = folders(mid);
    assertEquals("complete", midFolders.get("INBOX").path("state").asText());
    assertEquals(40, midFolders.get("INBOX").path("messages_done").asLong());
    assertEquals(40, midFolders.get("INBOX").path("messages_total").asLong());
    for (String pending : new String[] {"Sent", "Archive/2024"}) {
      assertEquals("pending", midFolders.get(pending).path("state").asText(), mid.toString());
      assertEquals(0, midFolders.get(pending).path("messages_done").asLong(), pending);
      assertEquals(-1, midFolders.get(pending).path("messages_total").asLong(), pending + ": not known before it starts");
    }
    assertEquals(2, mid.path("summary").path("pending").asInt(), mid.toString());

    CliRun all = CliRun.of("migrate", "-c", conf, "-u", "carol", "--wait");
    assertEquals(0, all.exit(), all.out() + all.err());
    assertTrue(all.out().contains("  Sent: complete (25 messages"), all.out());
    assertTrue(all.out().contains("  Archive/2024: complete (30 messages"), all.out());
    assertTrue(all.out().lines().anyMatch(l -> l.startsWith("carol: complete, 2/2 folders complete, 55 messages")), all.out());
    assertTrue(all.out().lines().anyMatch(l -> l.startsWith("carol (all folders): 3/3 folders complete; 95/95 messages")),
        all.out());
    JsonNode after = status("carol");
    assertTrue(after.path("complete").asBoolean(), after.toString());
    for (Map.Entry<String, Integer> f : CAROL.entrySet()) {
      JsonNode folder = folders(after).get(f.getKey());
      assertEquals("complete", folder.path("state").asText(), f.getKey());
      assertEquals(f.getValue().longValue(), folder.path("messages_done").asLong(), f.getKey());
      assertEquals(f.getValue().longValue(), folder.path("messages_total").asLong(), f.getKey());
      assertEquals(folder.path("bytes_total").asLong(), folder.path("bytes_done").asLong(), f.getKey());
      assertTrue(folder.path("error").isNull(), folder.toString());
    }
    assertEquals(95, after.path("summary").path("messages_done").asLong());

    CliRun verify = CliRun.of("verify", "-c", conf, "-u", "carol");
    assertEquals(0, verify.exit(), verify.out() + verify.err());
    assertTrue(verify.out().contains("carol: 3 folders, 95 messages compared, 0 new in the store since migration, "
        + "0 differences"), verify.out());
  }

  /**
   * A legacy folder the skeleton could not set up keeps the user from being complete: migrate and status say which
   * and why (here a local folder of the same name, with mail of its own, is in the way).
   */
  /**
   * The cut-over's last {@code sync -1} for a user the offline {@code backup} migrated (beside the running server): its
   * folders are complete but it has no skeleton record, and sync said "kim has no migrated folders", exit 2
   * (walk-through 16). It checks her complete folders and merges the late mail.
   */
  @Test
  void syncMergesLateMailOfAUserMigratedByBackup() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun backup = CliRun.of("backup", "-c", conf, "-u", "kim");
    assertEquals(0, backup.exit(), backup.out() + backup.err());
    JsonNode before = status("kim");
    assertTrue(before.path("skeleton").asBoolean(), "backup keeps the skeleton record too (review 21): " + before);
    assertEquals("complete", folders(before).get("INBOX").path("state").asText(), before.toString());
    try (ImapProbe kim = ImapProbe.login(legacy, "kim")) {
      kim.append("INBOX", "Subject: late\r\n\r\nafter the backup\r\n".getBytes(StandardCharsets.US_ASCII), List.of(),
          Instant.parse("2024-05-01T00:00:00Z"));
    }

    CliRun sync = CliRun.of("sync", "-c", conf, "-1", "-u", "kim");
    assertEquals(0, sync.exit(), sync.out() + sync.err());
    assertTrue(sync.out().contains("  INBOX: checked, 1 late messages merged"), sync.out());
    assertTrue(sync.out().contains("  Sent: checked, 0 late messages merged"), sync.out());
    JsonNode after = folders(status("kim")).get("INBOX");
    assertEquals(1, after.path("late_merged").asLong(), after.toString());
    CliRun again = CliRun.of("sync", "-c", conf, "-1", "-u", "kim");
    assertEquals(0, again.exit(), again.out() + again.err());
    assertTrue(again.out().contains("kim: 0 late messages merged"), again.out());
  }

  /** A user with no store at all is still refused, and no store is created by asking. */
  @Test
  void syncForAUserWithoutAStoreSaysSoAndCreatesNone() {
    CliRun sync = CliRun.of("sync", "-c", dovetail.configFile().toString(), "-1", "-u", "zed");
    assertEquals(2, sync.exit(), sync.out() + sync.err());
    assertTrue(sync.err().contains("zed has no migrated folders"), sync.err());
    assertFalse(Files.exists(dovetail.mailRoot().resolve("zed")), "sync creates no store");
  }

  @Test
  void statusAndMigrateSayWhichLegacyFolderIsNotSetUpAndWhy() throws Exception {
    String conf = dovetail.configFile().toString();
    dovetail.store("dave").create("Sent", 42, 1).append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), null),
        new ByteArrayInputStream("Subject: mine\r\n\r\nkept here\r\n".getBytes(StandardCharsets.US_ASCII)));

    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "dave", "--wait");
    assertEquals(1, migrate.exit(), migrate.out() + migrate.err());
    assertTrue(migrate.out().contains("  ! local folder 'Sent' exists with 1 messages"), migrate.out());

    CliRun text = CliRun.of("status", "-c", conf, "-u", "dave");
    assertEquals(0, text.exit(), text.err());
    String line = text.out().lines().filter(l -> l.startsWith("  ! not set up: ")).findFirst().orElse("");
    assertTrue(line.contains("local folder 'Sent' exists with 1 messages under UIDVALIDITY 42 but no migration state")
        && line.contains("move it away to migrate 'Sent'"), text.out());

    JsonNode dave = status("dave");
    assertFalse(dave.path("complete").asBoolean(), dave.toString());
    assertEquals("complete", folders(dave).get("INBOX").path("state").asText(), dave.toString());
    JsonNode unset = dave.path("unset");
    assertEquals(1, unset.size(), dave.toString());
    assertEquals("Sent", unset.path(0).path("legacy_folder").asText());
    assertTrue(unset.path(0).path("reason").asText().contains("no migration state"), unset.toString());
  }

  /**
   * status only reads: a user whose INBOX has mail but no dovecot-uidlist yet (an MDA wrote it) keeps the store file
   * for file, byte for byte, and the status still counts that mail.
   */
  @Test
  void statusWritesNothingToAStoreWhoseInboxHasNoUidlist() throws Exception {
    String conf = dovetail.configFile().toString();
    Path maildir = dovetail.mailRoot().resolve("erin").resolve("Maildir");
    for (String sub : new String[] {"cur", "new", "tmp"}) {
      Files.createDirectories(maildir.resolve(sub));
    }
    Files.writeString(maildir.resolve("new").resolve("1700000000.M1P1.mda"), "Subject: hi\n\nfrom an MDA\n");
    Map<String, String> before = tree(maildir);

    CliRun text = CliRun.of("status", "-c", conf, "-u", "erin");
    JsonNode erin = status("erin");
    CliRun everyone = CliRun.of("status", "-c", conf, "--json");

    assertEquals(before, tree(maildir), "status wrote to the store");
    assertEquals(0, text.exit(), text.err());
    // Not known to be made here before the legacy folders were listed: pending (walk-through 18, F6).
    // Its legacy size is not known yet, and the MDA's message is not a migrated one (it showed "1/1 ... 100%").
    assertTrue(text.out().lines().anyMatch(l -> l.matches("\\s+INBOX\\s+pending\\s+0/\\? \\+1 local\\s.*\\?.*")),
        text.out());
    // No skeleton yet: the legacy folders are not counted, and the table says so (walk-through 10, W2).
    assertTrue(text.out().contains(
        "! not compared with the legacy server yet (at erin's next command, or migrate -u erin)"), text.out());
    JsonNode inbox = folders(erin).get("INBOX");
    assertEquals("pending", inbox.path("state").asText(), erin.toString());
    assertEquals(1, inbox.path("messages_local").asLong(), erin.toString());
    assertTrue(inbox.path("bytes_local").asLong() > 0, erin.toString());
    assertEquals(0, everyone.exit(), everyone.err());
    assertTrue(everyone.out().contains("\"erin\""), everyone.out());
  }

  /** Every file and directory under {@code root}: its kind, size, modification time and, for a file, its bytes. */
  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (var paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        String what = Files.isDirectory(p) ? "dir" : Files.size(p) + " bytes "
            + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(p)));
        out.put(root.relativize(p).toString(), what + " mtime " + Files.getLastModifiedTime(p).toMillis());
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /**
   * Mail another writer added to a migrated folder (here a client's APPENDs) is not counted as migrated legacy mail:
   * status shows the legacy messages against the legacy total, and the local ones beside them.
   */
  @Test
  void statusCountsLocalMessagesApartFromTheMigratedLegacyOnes() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "gus", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    try (ImapProbe gus = ImapProbe.login(dovetail.imapPort(), "gus", "gus-pw")) {
      for (int i = 0; i < 2; i++) {
        gus.append("INBOX", ("Subject: local " + i + "\r\n\r\nnew here\r\n").getBytes(StandardCharsets.US_ASCII),
            List.of(), Instant.parse("2025-01-01T00:00:00Z"));
      }
    }
    JsonNode inbox = folders(status("gus")).get("INBOX");
    assertEquals(3, inbox.path("messages_done").asLong(), inbox.toString());
    assertEquals(3, inbox.path("messages_total").asLong(), inbox.toString());
    assertEquals(2, inbox.path("messages_local").asLong(), inbox.toString());
    assertEquals(inbox.path("bytes_total").asLong(), inbox.path("bytes_done").asLong(), inbox.toString());
    assertTrue(inbox.path("bytes_local").asLong() > 0, inbox.toString());
    assertEquals(2, status("gus").path("summary").path("messages_local").asLong());

    CliRun text = CliRun.of("status", "-c", conf, "-u", "gus");
    assertTrue(text.out().lines().anyMatch(l -> l.matches("\\s+INBOX\\s+complete\\s+3/3 \\+2 local\\s.*")),
        text.out());
    assertTrue(text.out().contains("gus: 1/1 folders complete; 3/3 messages +2 local"), text.out());
  }

  /**
   * Messages the user deletes after the migration (POP3 DELE, as a POP3 client that does not keep mail does) are not
   * shown as missing from a complete folder: status says what the migration did, and what was expunged since.
   */
  @Test
  void statusOfACompleteFolderIsNotShortOfWhatTheUserDeletedSince() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "hal", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    try (java.net.Socket pop = new java.net.Socket("127.0.0.1", dovetail.pop3Port())) {
      pop.setSoTimeout(30_000);
      var in = pop.getInputStream();
      var out = pop.getOutputStream();
      assertTrue(RawLines.line(in).startsWith("+OK"));
      for (String command : new String[] {"USER hal", "PASS hal-pw", "DELE 1", "DELE 2", "QUIT"}) {
        RawLines.send(out, command);
        String reply = RawLines.line(in);
        assertTrue(reply.startsWith("+OK"), command + ": " + reply);
      }
    }
    assertEquals(4, dovetail.store("hal").open("INBOX").messages().size(), "two deleted");

    JsonNode inbox = folders(status("hal")).get("INBOX");
    assertEquals("complete", inbox.path("state").asText(), inbox.toString());
    assertEquals(6, inbox.path("messages_done").asLong(), inbox.toString());
    assertEquals(6, inbox.path("messages_total").asLong(), inbox.toString());
    assertEquals(inbox.path("bytes_total").asLong(), inbox.path("bytes_done").asLong(), inbox.toString());
    assertEquals(2, inbox.path("messages_expunged").asLong(), inbox.toString());
    assertEquals(0, inbox.path("messages_local").asLong(), inbox.toString());
    CliRun text = CliRun.of("status", "-c", conf, "-u", "hal");
    assertTrue(text.out().lines().anyMatch(l -> l.matches("\\s+INBOX\\s+complete\\s+6/6 \\(2 expunged since\\)\\s.*100%.*")),
        text.out());
  }

  /**
   * The runbook's verify on a user who has worked on Dovetail since the migration (walk-through 5, F5): what clients
   * changed through Dovetail (flags over IMAP, an IMAP expunge and MOVE, a POP3 DELE) is counted as the user's work,
   * exit 0; a change made to the store by anything else is still a difference. Before, every one was a difference.
   */
  @Test
  void verifyAfterUseCountsWhatClientsChangedThroughDovetailAndStillReportsOtherChanges() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "ivy", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    List<Long> uids; // the legacy corpus has UID gaps
    try (ImapProbe imap = ImapProbe.login(dovetail.imapPort(), "ivy", "ivy-pw")) {
      uids = imap.examine("INBOX").uids();
      assertEquals(8, uids.size(), uids.toString());
      imap.addFlags("INBOX", uids.get(1), List.of("\\Flagged", "$Ivy")); // keywords the legacy corpus never has
      imap.addFlags("INBOX", uids.get(2), List.of("$Ivy2"));
      imap.expunge("INBOX", List.of(uids.get(3)));
      List<String> moved = imap.command("INBOX", "UID MOVE " + uids.get(4) + " Sent");
      assertTrue(moved.get(moved.size() - 1).contains("OK"), moved.toString());
    }
    try (java.net.Socket pop = new java.net.Socket("127.0.0.1", dovetail.pop3Port())) {
      pop.setSoTimeout(30_000);
      var in = pop.getInputStream();
      var out = pop.getOutputStream();
      assertTrue(RawLines.line(in).startsWith("+OK"));
      for (String command : new String[] {"USER ivy", "PASS ivy-pw", "DELE 1", "QUIT"}) { // the first, uids.get(0)
        RawLines.send(out, command);
        String reply = RawLines.line(in);
        assertTrue(reply.startsWith("+OK"), command + ": " + reply);
      }
    }
    CliRun afterUse = CliRun.of("verify", "-c", conf, "-u", "ivy");
    assertEquals(0, afterUse.exit(), uids + afterUse.out() + afterUse.err());
    assertTrue(afterUse.out().contains("ivy: 2 folders, 8 messages compared, 1 new in the store since migration, "
        + "2 with flags changed and 3 expunged by users through Dovetail since migration (not differences), "
        + "0 differences"), afterUse.out());

    // Another program changes the store (or a copy went wrong): still differences.
    dovetail.store("ivy").open("INBOX").setFlags(uids.get(5), Flags.NONE.withKeywords("direct"));
    dovetail.store("ivy").open("INBOX").expunge(List.of(uids.get(6)));
    CliRun other = CliRun.of("verify", "-c", conf, "-u", "ivy");
    assertEquals(1, other.exit(), other.out() + other.err());
    assertTrue(other.out().contains("INBOX UID " + uids.get(5) + ": flags: legacy "), other.out());
    assertTrue(other.out().contains("INBOX UID " + uids.get(6) + ": missing in store"), other.out());
    assertTrue(other.out().contains("2 with flags changed and 3 expunged by users through Dovetail since migration "
        + "(not differences), 2 differences"), other.out());
  }

  /** migrate prints a folder's warnings as backup does, in the same words: nothing copied in part goes unsaid. */
  @Test
  void migratePrintsAFoldersWarningsAsBackupDoes() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun migrate = CliRun.of("migrate", "-c", conf, "-u", "fay", "--wait");
    assertEquals(0, migrate.exit(), migrate.out() + migrate.err());
    String note = "! 4 flag(s) not copied, Maildir cannot hold them: kw26 kw27 kw28 kw29";
    List<String> lines = migrate.out().lines().toList();
    int inbox = lines.indexOf("  INBOX: complete (30 messages, 560 B copied)");
    assertTrue(inbox >= 0, migrate.out());
    assertEquals("    " + note, lines.get(inbox + 1), migrate.out());

    CliRun backup = CliRun.of("backup", "-c", conf,
        "-o", "mail_location=maildir:" + dir.resolve("backup") + "/%n/Maildir", "-u", "fay");
    assertEquals(0, backup.exit(), backup.out() + backup.err());
    assertTrue(backup.out().lines().anyMatch(("  " + note)::equals), backup.out());
  }

  /**
   * A user the legacy server does not know (a typo in -u): migrate says so, with an exit code that does not mean "run
   * it again", and keeps nothing of the name: no store, and no known user for status or the sweeper.
   */
  @Test
  void migrateForAUserTheLegacyServerDoesNotKnowSaysSoAndKeepsNothing() throws Exception {
    String conf = dovetail.configFile().toString();
    CliRun r = CliRun.of("migrate", "-c", conf, "-u", "nobody", "--wait");
    assertEquals(67, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("nobody: not migrated: the legacy server does not know nobody"), r.out());
    assertTrue(r.out().contains("[AUTHORIZATIONFAILED]"), r.out());
    assertTrue(r.out().contains("nothing was kept for nobody"), r.out());
    assertFalse(r.out().contains("INCOMPLETE") || r.out().contains("run it again"), r.out());
    assertFalse(Files.exists(dovetail.mailRoot().resolve("nobody")), "no store for a user the legacy server refused");
    assertFalse(knownUsers().contains("nobody"), "not a known user");

    // Without --wait the answer waits for the legacy login too (walk-through 5: "migration started", exit 0, and
    // nothing but an ERROR in the server log ever told the operator): the same refusal, the same exit code.
    CliRun refused = CliRun.of("migrate", "-c", conf, "-u", "nosuchuser");
    assertEquals(67, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.out().contains("nosuchuser: not migrated: the legacy server does not know nosuchuser"),
        refused.out());
    assertFalse(knownUsers().contains("nosuchuser"), "not a known user once its run was refused");
    assertFalse(Files.exists(dovetail.mailRoot().resolve("nosuchuser")), "no store");
  }

  /**
   * A user name no store can have (a path, a control character) is refused where it comes in, in one line that says
   * why, with the usage-error exit; it is never recorded, so status of every user keeps working.
   */
  @Test
  void anInvalidUserNameIsRefusedAtOnceAndNeverBreaksStatus() throws Exception {
    String conf = dovetail.configFile().toString();
    String why = "invalid user name '../alice': '/' is not allowed";
    for (String[] args : List.of(new String[] {"migrate", "-c", conf, "-u", "../alice"},
        new String[] {"migrate", "-c", conf, "-u", "../alice", "--wait"},
        new String[] {"status", "-c", conf, "-u", "../alice"},
        new String[] {"sync", "-c", conf, "-1", "-u", "../alice"},
        new String[] {"verify", "-c", conf, "-u", "../alice"},
        new String[] {"backup", "-c", conf, "-u", "../alice"})) {
      CliRun r = CliRun.of(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.out() + r.err());
      assertTrue(r.err().contains(why), r.err());
      assertEquals("", r.out(), String.join(" ", args));
    }

    // What the command line never sends, a script on the socket may: the server refuses it the same way.
    try (RawAdminClient socket = new RawAdminClient(dir.resolve("dovetail").resolve("admin.sock"))) {
      socket.send("{\"verb\":\"migrate\",\"user\":\"../alice\"}");
      assertError(why, socket.read());
      socket.send("{\"verb\":\"migrate\",\"user\":\"../alice\",\"wait\":true}");
      assertError(why, socket.read());
      socket.send("{\"verb\":\"sync\",\"user\":\"carol/../alice\"}");
      assertError("invalid user name 'carol/../alice': '/' is not allowed", socket.read());
      socket.send("{\"verb\":\"status\",\"user\":\"alice\\n\"}");
      assertError("invalid user name 'alice\\x0a': control character U+000A is not allowed", socket.read());
    }
    // sweeper_users is read again on every call: a bad line there is skipped (and logged), not a user.
    Files.writeString(sweeperUsers, "../evil\n", java.nio.file.StandardOpenOption.APPEND);
    try {
      CliRun all = CliRun.of("status", "-c", conf, "--json");
      assertEquals(0, all.exit(), all.out() + all.err());
      List<String> users = new ArrayList<>();
      json(all).path("users").forEach(u -> users.add(u.path("user").asText()));
      assertFalse(users.stream().anyMatch(u -> u.contains("..") || u.contains("alice")), users.toString());
      CliRun text = CliRun.of("status", "-c", conf);
      assertEquals(0, text.exit(), text.out() + text.err());
    } finally {
      Files.writeString(sweeperUsers, "# read again on every status\n");
    }
    assertFalse(Files.exists(dovetail.mailRoot().resolve("alice")), "no store");
  }

  private static void assertError(String expected, JsonNode reply) {
    assertEquals("error", reply.path("type").asText(), reply.toString());
    assertEquals(expected, reply.path("error").asText());
  }

  /** The users {@code status} shows without -u. */
  private static List<String> knownUsers() throws IOException {
    CliRun all = CliRun.of("status", "-c", dovetail.configFile().toString(), "--json");
    assertEquals(0, all.exit(), all.err());
    List<String> users = new ArrayList<>();
    json(all).path("users").forEach(u -> users.add(u.path("user").asText()));
    return users;
  }
}
