package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.Forwarder;
import dovetail.store.dovecot.ImapProbe;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cut-over window (issue #8) through the running server, with real Dovecot 2.3 as the legacy server (master
 * user) behind a forwarder: a SELECT inside the window brings mail that reached the legacy folder after its
 * migration, under its legacy UID; a SELECT while the legacy server is down still opens the folder; and
 * {@code dovetail sync -1} merges through the admin socket, which {@code status} then shows.
 */
class LateMailAccessDovecotIT {
  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static Forwarder forwarder;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "secret").user("bob", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    for (String user : List.of("alice", "bob")) {
      try (ImapProbe p = ImapProbe.login(legacy, user)) {
        for (String folder : List.of("Late", "Down", "Cmd", "Idle", "Modseq", "Recent")) {
          p.create(folder);
          for (int i = 0; i < 3; i++) {
            p.append(folder, message(user, folder + " old " + i), List.of("\\Seen"), Instant.parse("2024-02-02T02:02:02Z"));
          }
        }
      }
    }
    forwarder = new Forwarder(legacy.imapPort());
    dovetail = TestDovetail.builder(dir.resolve("dovetail"))
        .user("alice", "{PLAIN}secret").user("bob", "{PLAIN}secret")
        .legacyImap(forwarder.port(), "master", "master-secret")
        .setting("sweeper = no").setting("mail_fsync = never").setting("legacy_sync_window = 72h")
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dovetail != null) {
      dovetail.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void aSelectInsideTheWindowBringsLateLegacyMailUnderItsLegacyUid() throws Exception {
    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
      assertEquals(3, client.examine("Late").messages().size(), "migrated on first access");
      long uid = appendOnLegacy("alice", "Late", "Late late 1");

      ImapProbe.FolderState after = client.examine("Late");
      assertEquals(4, after.messages().size(), after.toString());
      ImapProbe.ImapMessage late = after.byUid(uid);
      assertTrue(new String(late.body(), StandardCharsets.US_ASCII).contains("Subject: Late late 1"));
      assertEquals(uid + 1, after.uidNext());
    }
  }

  @Test
  void aSelectWhileTheLegacyServerIsDownStillOpensTheFolder() throws Exception {
    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
      assertEquals(3, client.examine("Down").messages().size());
      appendOnLegacy("alice", "Down", "Down late 1");
      forwarder.retarget(deadPort());
      try {
        assertEquals(3, client.examine("Down").messages().size(), "the store's folder, without the late mail");
      } finally {
        forwarder.retarget(legacy.imapPort());
      }
    }
    assertTrue(dovetail.store("alice").open("Down").dovetailState().get("sync.merged") == null, "nothing merged");
  }

  @Test
  void syncDashOneMergesThroughTheAdminSocketAndStatusShowsIt() throws Exception {
    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "bob", "secret")) {
      assertEquals(3, client.examine("Cmd").messages().size());
    }
    long first = appendOnLegacy("bob", "Cmd", "Cmd late 1");
    long second = appendOnLegacy("bob", "Cmd", "Cmd late 2");
    Path socket = dir.resolve("dovetail").resolve("admin.sock");

    CliRun sync = CliRun.of("sync", "-1", "--socket", socket.toString(), "-u", "bob", "-f", "Cmd");
    assertEquals(0, sync.exit(), sync.out() + " / " + sync.err());
    assertTrue(sync.out().contains("Cmd: checked, 2 late messages merged"), sync.out());
    assertTrue(dovetail.store("bob").open("Cmd").message(first).isPresent());
    assertTrue(dovetail.store("bob").open("Cmd").message(second).isPresent());

    CliRun json = CliRun.of("status", "--socket", socket.toString(), "-u", "bob", "--json");
    assertEquals(0, json.exit(), json.err());
    JsonNode cmd = null;
    for (JsonNode f : new ObjectMapper().readTree(json.out()).path("users").get(0).path("folders")) {
      if (f.path("folder").asText().equals("Cmd")) {
        cmd = f;
      }
    }
    assertEquals(2, cmd.path("late_merged").asLong(), cmd.toString());
    assertTrue(cmd.hasNonNull("legacy_checked"), cmd.toString());
    CliRun table = CliRun.of("status", "--socket", socket.toString(), "-u", "bob");
    assertEquals(0, table.exit(), table.err());
    assertTrue(table.out().contains("late mail: Cmd: 2 merged, legacy last checked "), table.out());

    CliRun none = CliRun.of("sync", "-1", "--socket", socket.toString(), "-u", "nobody");
    assertEquals(2, none.exit(), "a user without migrated folders is refused: " + none.out());
  }

  @Test
  void aClientInIdleSeesLateLegacyMailArriveWhenItIsMerged() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("SELECT Idle")).contains(" OK "), "migrated on first access");
      long uid = appendOnLegacy("alice", "Idle", "Idle late 1");
      imap.send("i1 IDLE");
      assertTrue(imap.readResponse().startsWith("+"), "idling");
      CliRun sync = CliRun.of("sync", "-1", "--socket", dir.resolve("dovetail").resolve("admin.sock").toString(),
          "-u", "alice", "-f", "Idle");
      assertEquals(0, sync.exit(), sync.out() + " / " + sync.err());
      List<String> seen = new java.util.ArrayList<>();
      String line;
      while (!(line = imap.readResponse()).equals("* 4 EXISTS")) { // RawImap's read times out after 20 s
        seen.add(line);
      }
      imap.send("DONE");
      String done;
      while (!(done = imap.readResponse()).startsWith("i1 ")) {
        seen.add(done);
      }
      assertTrue(done.startsWith("i1 OK"), done + " after " + seen);
      List<String> fetched = imap.command("UID FETCH " + uid + " (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
      assertTrue(fetched.get(0).contains("Idle late 1"), "under its legacy UID: " + fetched);
    }
  }

  /**
   * A device that kept syncing the legacy server after the folder's migration (the laptop on the old address, walk-through
   * 8, W1) changed flags there and holds the legacy HIGHESTMODSEQ. When it comes here, HIGHESTMODSEQ must not have gone
   * down (RFC 7162), and CHANGEDSINCE and QRESYNC from its value must tell it every flag and every expunge since, so that
   * it converges on the store (the master after migration) instead of keeping what it saw on the legacy server.
   */
  @Test
  void aClientThatKeptSyncingTheLegacyServerIsToldEveryFlagAndExpungeAgain() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN bob secret")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("ENABLE QRESYNC")).contains(" OK "));
      List<String> selected = imap.command("SELECT Modseq");
      assertTrue(RawImap.last(selected).contains(" OK "), "migrated on first access: " + selected);
      long uidValidity = code(selected, "UIDVALIDITY");
      // Here, another device: one flag changed, UID 1 expunged.
      assertTrue(RawImap.last(imap.command("UID STORE 2 +FLAGS (\\Flagged)")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("UID STORE 1 +FLAGS (\\Deleted)")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("EXPUNGE")).contains(" OK "));
      // (STATUS: a second SELECT would take this minute's check for late mail, see MigrationService.lateMailOnAccess.)
      long here = code(imap.command("STATUS Modseq (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");
      assertTrue(RawImap.last(imap.command("UNSELECT")).contains(" OK "));

      // On the legacy server, the laptop: enough flag changes to take its HIGHESTMODSEQ past ours.
      long legacyModSeq = legacyFlagChangesPast(here, "bob", "Modseq");

      // The laptop comes here (its SELECT runs the check for late legacy mail, which reads the legacy HIGHESTMODSEQ).
      List<String> resync = imap.command("SELECT Modseq (QRESYNC (" + uidValidity + " " + legacyModSeq + " 1:3))");
      assertTrue(RawImap.last(resync).contains(" OK "), resync.toString());
      assertTrue(code(resync, "HIGHESTMODSEQ") > legacyModSeq, "went down from the legacy " + legacyModSeq + ": " + resync);
      assertTrue(resync.contains("* VANISHED (EARLIER) 1"), "the expunge made here: " + resync);
      assertTrue(resync.stream().anyMatch(l -> l.matches("\\* \\d+ FETCH .*UID 2.*") && l.contains("\\Flagged")),
          resync.toString());
      assertTrue(resync.stream().anyMatch(l -> l.matches("\\* \\d+ FETCH .*UID 3.*")),
          "a message whose flags the laptop changed there: " + resync);
      List<String> changed = imap.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + legacyModSeq + ")");
      assertEquals(3, changed.size(), "both messages, and the tagged OK: " + changed);
    }
  }

  /**
   * The same device, when this minute's check for late mail was taken already (another device's SELECT): the folder
   * is not raised yet, and the device's legacy HIGHESTMODSEQ is above any this folder showed, so it is told
   * everything, as from 0 (review 9, finding 2: it was told nothing, and kept what it saw on the legacy server).
   */
  @Test
  void aClientWithAModSeqThisFolderNeverShowedIsToldEverything() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN bob secret")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("ENABLE QRESYNC")).contains(" OK "));
      long uidValidity = code(imap.command("SELECT Recent"), "UIDVALIDITY"); // migrates it
      assertTrue(RawImap.last(imap.command("UID STORE 1 +FLAGS (\\Deleted)")).contains(" OK "));
      assertTrue(RawImap.last(imap.command("EXPUNGE")).contains(" OK "));
      long here = code(imap.command("SELECT Recent"), "HIGHESTMODSEQ"); // takes this minute's check
      long legacyModSeq = legacyFlagChangesPast(here, "bob", "Recent");
      List<String> resync = imap.command("SELECT Recent (QRESYNC (" + uidValidity + " " + legacyModSeq + " 1:3))");
      assertTrue(RawImap.last(resync).contains(" OK "), resync.toString());
      assertTrue(resync.contains("* VANISHED (EARLIER) 1"), resync.toString());
      assertEquals(2, resync.stream().filter(l -> l.matches("\\* \\d+ FETCH .*")).count(), resync.toString());
      List<String> changed = imap.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + legacyModSeq + ")");
      assertEquals(3, changed.size(), "both messages, and the tagged OK: " + changed);
    }
  }

  /**
   * The laptop on the legacy server: flag changes of UID 3 until the folder's HIGHESTMODSEQ there is above
   * {@code modSeq} (each raises it by one); returns it.
   */
  private static long legacyFlagChangesPast(long modSeq, String user, String folder) {
    try (ImapProbe laptop = ImapProbe.login(legacy, user)) {
      long legacyModSeq = 0;
      for (int i = 0; i <= 1000 && legacyModSeq <= modSeq; i++) { // bounded: a server that does not raise it
        laptop.addFlags(folder, 3, List.of("$Laptop"));
        laptop.removeFlags(folder, 3, List.of("$Laptop"));
        legacyModSeq = code(laptop.command(null, "STATUS " + folder + " (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");
      }
      assertTrue(legacyModSeq > modSeq, "the legacy HIGHESTMODSEQ rose past ours: " + legacyModSeq + " " + modSeq);
      return legacyModSeq;
    }
  }

  /** The number in a response code such as {@code [HIGHESTMODSEQ 42]} or a STATUS item {@code HIGHESTMODSEQ 42}. */
  private static long code(List<String> lines, String name) {
    for (String line : lines) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + " (\\d+)").matcher(line);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError(name + " not in " + lines);
  }

  private static long appendOnLegacy(String user, String folder, String subject) {
    try (ImapProbe p = ImapProbe.login(legacy, user)) {
      return p.append(folder, message(user, subject), List.of(), Instant.parse("2024-08-08T08:08:08Z")).uid();
    }
  }

  /** A port nothing listens on: the legacy server is down. */
  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }

  private static byte[] message(String user, String subject) {
    return ("From: someone@example.com\r\nTo: " + user + "@example.com\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + subject.replace(' ', '.') + "." + user + "@example.com>\r\n\r\nbody of " + subject + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
