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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another writer (Dovecot expunging, a late-mail merge renumbering) removes a message's file after the session's
 * last look at the folder, in the same mtime tick: FETCH and SEARCH leave that message out and answer OK, as Dovecot
 * does (it sends NIL data and OK), and the session learns of the expunge at its next sync. They answered
 * {@code NO ... processing failed.}
 */
class MessageRemovedByAnotherWriterIT {
  @TempDir Path dir;
  private TestDovetail dovetail;
  private RawImap imap;

  @BeforeEach
  void selectThenRemoveUid2() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
    Mailbox inbox = dovetail.store("alice").create("INBOX", 777, 1);
    try (MailboxTransaction tx = inbox.begin()) {
      for (int i = 1; i <= 3; i++) {
        tx.add(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE), new ByteArrayInputStream(
            ("Subject: m" + i + "\r\nContent-Type: text/plain\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      tx.commit();
    }
    Path folder = dovetail.mailRoot().resolve("alice/Maildir");
    UnnoticedChange.beforeListing(folder);
    imap = RawImap.connect(dovetail.imapPort());
    imap.command("LOGIN alice secret");
    assertTrue(imap.command("SELECT INBOX").contains("* 3 EXISTS"));
    UnnoticedChange.toMessage(folder, 2, Files::delete);
  }

  @AfterEach
  void stop() throws Exception {
    if (imap != null) {
      imap.close();
    }
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static List<String> fetchLines(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* ") && l.contains(" FETCH (")).toList();
  }

  /**
   * Every item that reads the message, one per session (the first FETCH that meets the missing file makes the session
   * list the folder again). Items from the listing alone (FLAGS, RFC822.SIZE) are still answered, as by Dovecot.
   */
  @ParameterizedTest
  @ValueSource(strings = {"BODY.PEEK[]", "BODY.PEEK[TEXT]", "BODY.PEEK[]<10.20>", "BODY.PEEK[HEADER]",
      "BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "BODY.PEEK[1]", "BODY.PEEK[1.MIME]", "RFC822.HEADER", "BODYSTRUCTURE",
      "BODY", "ENVELOPE"})
  void fetchLeavesTheRemovedMessageOut(String items) throws Exception {
    List<String> lines = imap.command("UID FETCH 1:3 (UID " + items + ")");
    assertTrue(RawImap.last(lines).contains(" OK "), items + ": " + lines);
    List<String> fetched = fetchLines(lines);
    assertTrue(fetched.stream().anyMatch(l -> l.contains("UID 1 ") || l.contains("UID 1)")), items + ": " + lines);
    assertTrue(fetched.stream().anyMatch(l -> l.contains("UID 3 ") || l.contains("UID 3)")), items + ": " + lines);
    assertTrue(fetched.stream().noneMatch(l -> l.contains("UID 2 ") || l.contains("UID 2)")), items + ": " + lines);
    assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "), "the connection is still in step");
  }

  @Test
  void searchDoesNotMatchTheRemovedMessage() throws Exception {
    for (String criteria : List.of("TEXT body", "BODY body", "HEADER Subject m", "SUBJECT m", "SENTBEFORE 1-Jan-2000")) {
      List<String> lines = imap.command("UID SEARCH " + criteria);
      assertTrue(RawImap.last(lines).contains(" OK "), criteria + ": " + lines);
      assertEquals("* SEARCH 1 3", lines.get(0), criteria + ": " + lines);
    }
  }
}
