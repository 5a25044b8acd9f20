package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONDSTORE (RFC 7162) over Dovetail's own mod-sequences: above the legacy HIGHESTMODSEQ, raised by every change
 * (ours and other writers'), never handed out twice across a restart.
 */
class CondstoreIT {
  private static final Pattern HIGHEST = Pattern.compile("HIGHESTMODSEQ (\\d+)");
  private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

  @TempDir Path dir;

  private static long highest(List<String> lines) {
    for (String l : lines) {
      Matcher m = HIGHEST.matcher(l);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no HIGHESTMODSEQ in " + lines);
  }

  private static long modSeq(String line) {
    Matcher m = MODSEQ.matcher(line);
    assertTrue(m.find(), line);
    return Long.parseLong(m.group(1));
  }

  private static List<String> untaggedFetches(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* ") && l.contains(" FETCH ")).toList();
  }

  @Test
  void modSeqsFollowEveryChangeAndSurviveARestart() throws Exception {
    TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    MailStore store = dovetail.store("alice");
    Mailbox inbox = store.create("INBOX", 777, 1);
    for (int i = 1; i <= 3; i++) {
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    inbox.writeDovetailState(Map.of("legacy.highestmodseq", "90000"));
    long lastSeen;
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      String caps = imap.command("CAPABILITY").get(0);
      assertTrue(caps.contains(" CONDSTORE"), caps);
      imap.command("LOGIN alice secret");
      long h0 = highest(imap.command("SELECT INBOX (CONDSTORE)"));
      assertTrue(h0 > 90000, "starts above the legacy HIGHESTMODSEQ: " + h0);
      for (String f : untaggedFetches(imap.command("FETCH 1:* (MODSEQ)"))) {
        assertTrue(modSeq(f) > 90000 && modSeq(f) <= h0, f);
      }

      long m2 = modSeq(untaggedFetches(imap.command("UID STORE 2 +FLAGS (\\Seen)")).get(0));
      assertTrue(m2 > h0);
      List<String> changed = untaggedFetches(imap.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + h0 + ")"));
      assertEquals(1, changed.size(), changed.toString());
      assertTrue(changed.get(0).contains("UID 2"), changed.toString());

      List<String> conditional = imap.command("UID STORE 1,2 (UNCHANGEDSINCE " + h0 + ") +FLAGS (\\Flagged)");
      assertTrue(RawImap.last(conditional).contains("[MODIFIED 2]"), conditional.toString());
      assertTrue(store.open("INBOX").message(1).orElseThrow().flags().has(SystemFlag.FLAGGED));
      assertFalse(store.open("INBOX").message(2).orElseThrow().flags().has(SystemFlag.FLAGGED));

      long before = highest(imap.command("STATUS INBOX (HIGHESTMODSEQ)"));
      dovetail.store("alice").open("INBOX").setFlags(3, Flags.of(SystemFlag.ANSWERED));
      try (RawImap other = RawImap.connect(dovetail.imapPort())) {
        other.command("LOGIN alice secret");
        long after = highest(other.command("STATUS INBOX (HIGHESTMODSEQ)"));
        assertTrue(after > before, "another writer's flag change raises HIGHESTMODSEQ: " + before + " -> " + after);
      }
      List<String> external = untaggedFetches(imap.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + before + ")"));
      assertTrue(external.stream().anyMatch(l -> l.contains("UID 3") && l.contains("\\Answered")), external.toString());
      lastSeen = highest(imap.command("STATUS INBOX (HIGHESTMODSEQ)"));
    }
    dovetail.close();

    TestDovetail restarted = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    try (RawImap imap = RawImap.connect(restarted.imapPort())) {
      imap.command("LOGIN alice secret");
      long h = highest(imap.command("SELECT INBOX (CONDSTORE)"));
      assertTrue(h > lastSeen, "after a restart HIGHESTMODSEQ " + h + " is above " + lastSeen);
      for (String f : untaggedFetches(imap.command("FETCH 1:* (MODSEQ)"))) {
        assertTrue(modSeq(f) > lastSeen, "a client that synced before the restart resyncs every message: " + f);
      }
    } finally {
      restarted.close();
    }
    assertEquals("90000", dovetail.store("alice").open("INBOX").dovetailState().get("legacy.highestmodseq"));
  }
}
