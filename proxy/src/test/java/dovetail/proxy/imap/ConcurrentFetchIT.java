package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many sessions fetching envelopes at once are all answered (walk-through 12, T1: with more sessions than the shared
 * blocking-call threads, each FETCH's look-up of its messages waited for a store call queued behind the waiting FETCHes
 * themselves, and every session stopped for good, with no log line). What a first sync of every mail client asks for.
 */
class ConcurrentFetchIT {
  private static final int SESSIONS = 48;
  private static final int MESSAGES = 40;

  @TempDir static Path tmp;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user("alice", "{PLAIN}secret")
        .setting("mail_max_userip_connections = 0").start(); // 48 sessions of alice: UserIpLimitIT tests the limit
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      for (int i = 0; i < MESSAGES; i++) {
        imap.append("INBOX", "()", ("From: a" + i + "@example.org\r\nSubject: message " + i + "\r\n\r\nbody " + i
            + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void manySessionsFetchingEnvelopesAtOnceAreAllAnswered() throws Exception {
    List<String> failed = Collections.synchronizedList(new ArrayList<>());
    List<Thread> sessions = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      sessions.add(new Thread(() -> {
        try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
          imap.command("LOGIN alice secret");
          imap.command("SELECT INBOX");
          for (int round = 0; round < 5; round++) {
            List<String> fetched = imap.command("FETCH 1:* (ENVELOPE FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (FROM)])");
            if (fetched.size() != MESSAGES + 1 || !RawImap.last(fetched).contains(" OK ")) {
              failed.add(fetched.size() + " lines, last " + RawImap.last(fetched));
            }
          }
        } catch (Exception e) {
          failed.add(e.toString());
        }
      }));
    }
    sessions.forEach(Thread::start);
    for (Thread t : sessions) {
      t.join();
    }
    assertEquals(List.of(), failed.subList(0, Math.min(5, failed.size())), failed.size() + " of " + SESSIONS + " sessions");
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) { // and the server still answers
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
    }
  }
}
