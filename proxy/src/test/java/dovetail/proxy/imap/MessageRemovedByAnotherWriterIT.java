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
import org.junit.jupiter.api.io.TempDir;

/**
 * Another writer (Dovecot expunging, a late-mail merge renumbering) removes a message's file after the session's
 * last look at the folder, in the same mtime tick: FETCH and SEARCH leave that message out and answer OK, as Dovecot
 * does (it sends NIL data and OK), and the session learns of the expunge at its next sync. They answered
 * {@code NO ... processing failed.}
 */
class MessageRemovedByAnotherWriterIT {
  private static final FileTime LISTED = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

  @TempDir Path dir;
  private TestDovetail dovetail;
  private RawImap imap;
  private Path cur;

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
    cur = dovetail.mailRoot().resolve("alice/Maildir/cur");
    // An old mtime: the SELECT below lists cur/ once and has no reason to list it again soon.
    Files.setLastModifiedTime(cur, LISTED);
    imap = RawImap.connect(dovetail.imapPort());
    imap.command("LOGIN alice secret");
    assertTrue(imap.command("SELECT INBOX").contains("* 3 EXISTS"));
    String uid2 = Files.readAllLines(cur.resolveSibling("dovecot-uidlist")).stream().filter(l -> l.startsWith("2 "))
        .findFirst().orElseThrow();
    String base = uid2.substring(uid2.indexOf(':') + 1);
    try (Stream<Path> files = Files.list(cur)) {
      Files.delete(files.filter(f -> f.getFileName().toString().startsWith(base)).findFirst().orElseThrow());
    }
    Files.setLastModifiedTime(cur, LISTED);
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
    return lines.stream().filter(l -> l.matches("^\\* \\d+ FETCH .*")).toList();
  }

  @Test
  void fetchLeavesTheRemovedMessageOut() throws Exception {
    for (String items : List.of("BODY.PEEK[]", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "BODY.PEEK[TEXT]", "BODYSTRUCTURE",
        "ENVELOPE", "RFC822.HEADER")) {
      List<String> lines = imap.command("UID FETCH 1:3 (" + items + ")");
      assertTrue(RawImap.last(lines).contains(" OK "), items + ": " + lines);
      String all = String.join("\n", lines);
      assertTrue(all.contains("UID 1") && all.contains("UID 3"), items + ": " + lines);
    }
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
