package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COPYUID (RFC 4315) names the UIDs that were copied, whatever set the client used. */
class CopyUidIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    Mailbox source = dovetail.store("alice").create("Source", 100, 1);
    try (MailboxTransaction tx = source.begin()) {
      for (long uid : new long[] {5, 6, 9}) {
        tx.add(MessageMeta.withUid(uid, Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
            new ByteArrayInputStream(("Subject: " + uid + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      tx.commit();
    }
    dovetail.store("alice").create("Target", 200, 1);
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void theSourceSetIsUidsNotTheClientsSet() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      imap.command("SELECT Source");
      assertTrue(RawImap.last(imap.command("COPY 2:3 Target")).contains("[COPYUID 200 6,9 1:2]"));
      assertTrue(RawImap.last(imap.command("UID COPY 1:* Target")).contains("[COPYUID 200 5:6,9 3:5]"));
      List<String> move = imap.command("MOVE 1 Target");
      // RFC 6851 §4.3: in an untagged OK before the EXPUNGE (see MoveCopyUidFirst).
      assertEquals("* OK [COPYUID 200 5 6] Moved UIDs.", move.get(0), move.toString());
      assertEquals("* 1 EXPUNGE", move.get(1), move.toString());
    }
  }

  /** RFC 4315 §3: no COPYUID when nothing was copied; James said "COPYUID 200 7 *". Dovecot's words. */
  @Test
  void aUidSetThatNamesNoMessageCopiesNothingAndSaysSo() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      imap.command("SELECT Source");
      List<String> copy = imap.command("UID COPY 7 Target");
      assertEquals(List.of("a3 OK No messages found."), copy);
      List<String> move = imap.command("UID MOVE 7:8 Target");
      assertEquals(List.of("a4 OK No messages found."), move);
    }
  }

  @Test
  void uidSetsAreCompressed() {
    assertEquals("1:3,7,9:10", ResponseCodeFix.uidSet(List.of(1L, 2L, 3L, 7L, 9L, 10L)));
    assertEquals("4", ResponseCodeFix.uidSet(List.of(4L)));
  }
}
