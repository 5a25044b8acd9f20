package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LIST ... RETURN (STATUS (...)) (RFC 5819) on folders that are still pending, with real Dovecot 2.3 as the legacy
 * server: each listed folder is migrated before its STATUS is answered, as STATUS itself does, so the counts are the
 * legacy folder's and the mod-sequence base is fixed only after the migration recorded the legacy HIGHESTMODSEQ.
 */
class ListStatusPendingDovecotIT {
  private static final int MESSAGES = 12;
  private static final int FLAG_CHANGES = 150;

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("gina", "secret").user("hugo", "secret")
        .masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    for (String user : List.of("gina", "hugo")) {
      try (ImapProbe p = ImapProbe.login(legacy, user)) {
        p.create("Busy");
        p.create("Quiet");
        for (int i = 0; i < MESSAGES; i++) {
          p.append("Busy", message(user, "busy " + i), List.of(), Instant.parse("2022-02-02T02:02:02Z"));
        }
        p.append("Quiet", message(user, "quiet"), List.of("\\Seen"), Instant.parse("2022-02-02T02:02:02Z"));
        // Flag changes raise the legacy HIGHESTMODSEQ far above the number of messages.
        for (int i = 0; i < FLAG_CHANGES; i++) {
          if (i % 2 == 0) {
            p.addFlags("Busy", 1 + i % MESSAGES, List.of("\\Flagged"));
          } else {
            p.removeFlags("Busy", 1 + (i - 1) % MESSAGES, List.of("\\Flagged"));
          }
        }
      }
    }
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("gina", "{PLAIN}secret").user("hugo", "{PLAIN}secret")
        .legacyImap(legacy.imapPort(), "master", "master-secret")
        .setting("sweeper = no").setting("mail_fsync = never")
        .start();
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

  private static byte[] message(String user, String subject) {
    return ("From: legacy@example.org\r\nTo: " + user + "@example.org\r\nSubject: " + subject + "\r\n\r\nbody\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static final String LIST_STATUS = "LIST \"\" \"*\" RETURN (STATUS (MESSAGES UNSEEN HIGHESTMODSEQ))";

  /** The STATUS line's items for one folder, e.g. "MESSAGES 12 UNSEEN 12 HIGHESTMODSEQ 170". */
  private static String status(List<String> lines, String folder) {
    Pattern p = Pattern.compile("^\\* STATUS \"?" + Pattern.quote(folder) + "\"? \\((.*)\\)$");
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no STATUS for " + folder + " in " + lines);
  }

  private static long item(String status, String name) {
    Matcher m = Pattern.compile(name + " (\\d+)").matcher(status);
    assertTrue(m.find(), name + " in " + status);
    return Long.parseLong(m.group(1));
  }

  private static long legacyHighestModSeq(String user, String folder) throws Exception {
    try (RawImap l = RawImap.connect(legacy.imapPort())) {
      l.command("LOGIN " + user + " secret");
      return item(status(l.command("STATUS " + folder + " (HIGHESTMODSEQ)"), folder), "HIGHESTMODSEQ");
    }
  }

  @Test
  void listStatusOnPendingFoldersAnswersTheLegacyCountsAndAModSeqAboveTheLegacyOne() throws Exception {
    List<String> onLegacy;
    try (RawImap l = RawImap.connect(legacy.imapPort())) {
      l.command("LOGIN gina secret");
      onLegacy = l.command(LIST_STATUS);
    }
    long legacyModSeq = item(status(onLegacy, "Busy"), "HIGHESTMODSEQ");
    assertTrue(legacyModSeq > FLAG_CHANGES, "the legacy folder's HIGHESTMODSEQ is high: " + legacyModSeq);
    try (RawImap d = RawImap.connect(dovetail.imapPort())) {
      d.command("LOGIN gina secret");
      List<String> listed = d.command(LIST_STATUS);
      assertTrue(RawImap.last(listed).contains(" OK "), listed.toString());
      for (String folder : List.of("Busy", "Quiet")) {
        String legacyStatus = status(onLegacy, folder);
        String dovetailStatus = status(listed, folder);
        assertEquals(item(legacyStatus, "MESSAGES"), item(dovetailStatus, "MESSAGES"), folder + ": " + listed);
        assertEquals(item(legacyStatus, "UNSEEN"), item(dovetailStatus, "UNSEEN"), folder + ": " + listed);
      }
      assertTrue(item(status(listed, "Busy"), "HIGHESTMODSEQ") > legacyModSeq, listed + " vs legacy " + legacyModSeq);
    }
    try (RawImap d = RawImap.connect(dovetail.imapPort())) {
      d.command("LOGIN gina secret");
      List<String> select = d.command("SELECT Busy (CONDSTORE)");
      long selected = select.stream().filter(l -> l.contains("[HIGHESTMODSEQ ")).map(l -> l.replaceAll(".*\\[HIGHESTMODSEQ (\\d+)\\].*", "$1"))
          .mapToLong(Long::parseLong).findFirst().orElseThrow(() -> new AssertionError(select.toString()));
      assertTrue(selected > legacyModSeq, select + " vs legacy " + legacyModSeq);
      assertEquals(MESSAGES, d.command("SEARCH ALL").get(0).split(" ").length - 2, "every legacy message is there");
    }
  }

  /** A LIST without STATUS answers from the skeleton alone: nothing is migrated for it. */
  @Test
  void plainListMigratesNothing() throws Exception {
    try (RawImap d = RawImap.connect(dovetail.imapPort())) {
      d.command("LOGIN hugo secret");
      List<String> listed = d.command("LIST \"\" \"*\"");
      assertTrue(listed.stream().anyMatch(l -> l.startsWith("* LIST") && l.contains("Busy")), listed.toString());
    }
    assertEquals("pending", dovetail.store("hugo").open("Busy").dovetailState().get("migration.state"));
    assertTrue(legacyHighestModSeq("hugo", "Busy") > FLAG_CHANGES);
  }
}
