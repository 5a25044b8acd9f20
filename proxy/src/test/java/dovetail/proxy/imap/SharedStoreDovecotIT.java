package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dovetail and real Dovecot serve one store at the same time: each sees what the other wrote. */
class SharedStoreDovecotIT {
  private static final String USER = "alice";

  @TempDir static Path tmp;
  private static DovecotServer dovecot;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path work = tmp.resolve("dovecot");
    dovecot = DovecotServer.builder(work).user(USER, "secret").autoCreateSpecialUse(false).start();
    try (ImapProbe probe = ImapProbe.login(dovecot, USER)) {
      probe.examine("INBOX"); // Dovecot creates the INBOX
    }
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user(USER, "{PLAIN}secret")
        .mailLocation("maildir:" + work.resolve("home") + "/%n/Maildir").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  @Test
  void dovecotSeesWhatDovetailWroteAndTheOtherWayRound() throws Exception {
    byte[] viaDovetail = "From: a@example.org\r\nSubject: via Dovetail\r\n\r\nhello Dovecot\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] viaDovecot = "From: b@example.org\r\nSubject: via Dovecot\r\n\r\nhello Dovetail\r\n".getBytes(StandardCharsets.US_ASCII);
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      List<String> appended = imap.append("INBOX", "(\\Flagged Shared)", viaDovetail);
      assertTrue(RawImap.last(appended).contains("[APPENDUID"), appended.toString());
      imap.command("SELECT INBOX");

      try (ImapProbe probe = ImapProbe.login(dovecot, USER)) {
        ImapProbe.FolderState inbox = probe.examine("INBOX");
        assertEquals(1, inbox.messages().size());
        ImapProbe.ImapMessage m = inbox.messages().get(0);
        assertEquals(Set.of("\\Flagged", "Shared"), m.flags());
        assertArrayEquals(viaDovetail, m.body());
        long uid = m.uid();

        ImapProbe.Appended other = probe.append("INBOX", viaDovecot, List.of("\\Seen"), Instant.parse("2024-05-06T07:08:09Z"));
        assertEquals(uid + 1, other.uid(), "Dovecot continues after Dovetail's UID");
        probe.addFlags("INBOX", uid, List.of("\\Answered"));
      }

      List<String> noop = imap.command("NOOP");
      assertTrue(noop.contains("* 2 EXISTS"), "Dovetail announces Dovecot's message: " + noop);
      assertTrue(noop.stream().anyMatch(l -> l.startsWith("* 1 FETCH") && l.contains("\\Answered")),
          "and Dovecot's flag change: " + noop);
      String fetched = imap.command("FETCH 2 (FLAGS INTERNALDATE BODY.PEEK[])").get(0);
      assertTrue(fetched.contains("\\Seen") && fetched.contains("06-May-2024 07:08:09 +0000"), fetched);
      assertArrayEquals(viaDovecot, RawImap.literal(fetched, "BODY[]"));
    }
    assertTrue(dovecot.logProblems().isEmpty(), dovecot.logProblems().toString());
  }

  /**
   * A keyword another writer set a moment ago, which a FETCH shows before the folder's view has heard of it, comes with
   * FLAGS first (RFC 3501 §7.2.6; imaptest: "Keyword used without being in FLAGS").
   */
  @Test
  void aKeywordAnotherWriterSetIsInFlagsBeforeAFetchShowsIt() throws Exception {
    byte[] message = "Subject: keyword\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      imap.command("CREATE Keywords");
      imap.append("Keywords", "()", message);
      assertTrue(RawImap.last(imap.command("SELECT Keywords")).contains(" OK "));
      try (ImapProbe probe = ImapProbe.login(dovecot, USER)) {
        probe.addFlags("Keywords", 1, List.of("$SetByDovecot"));
      }
      List<String> fetched = imap.command("FETCH 1 (FLAGS)");
      int fetch = indexOf(fetched, l -> l.startsWith("* 1 FETCH") && l.contains("$SetByDovecot"));
      assertTrue(fetch >= 0, "the FETCH shows the keyword: " + fetched);
      int flags = indexOf(fetched, l -> l.startsWith("* FLAGS (") && l.contains("$SetByDovecot"));
      assertTrue(flags >= 0 && flags < fetch, "FLAGS lists it first: " + fetched);
    }
  }

  private static int indexOf(List<String> lines, java.util.function.Predicate<String> match) {
    for (int i = 0; i < lines.size(); i++) {
      if (match.test(lines.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
