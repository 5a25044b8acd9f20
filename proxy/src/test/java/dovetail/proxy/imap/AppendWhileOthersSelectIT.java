package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several sessions of one user at once, as a phone, a desktop and a webmail are: some APPEND to a folder while
 * others SELECT and CLOSE it. Every APPEND is answered OK and stored once. Before, an APPEND whose announcement met
 * another session's SELECT or CLOSE in James's event bus was answered NO although it was stored, and a client that
 * retried stored it twice (walk-through 11, W3; GuardedEventBus).
 */
class AppendWhileOthersSelectIT {
  private static final int APPENDING_SESSIONS = 2;
  private static final int APPENDS_PER_SESSION = 80;
  private static final int SELECTING_SESSIONS = 4;
  /** Sessions that keep the folder selected: each is a listener the announcement of every APPEND goes through. */
  private static final int WATCHING_SESSIONS = 8;

  @TempDir Path dir;

  @Test
  void everyAppendIsAnsweredOkWhileOtherSessionsSelectAndClose() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .setting("mail_fsync = never") // nothing here must survive a crash: no fsync, a quicker APPEND
        .setting("mail_max_userip_connections = 0").start()) { // many sessions of alice: UserIpLimitIT tests the limit
      dovetail.store("alice").create("INBOX", 777, 1);
      List<RawImap> watching = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(APPENDING_SESSIONS + SELECTING_SESSIONS);
      try {
        for (int i = 0; i < WATCHING_SESSIONS; i++) {
          watching.add(loggedIn(dovetail));
          watching.get(i).command("SELECT INBOX");
        }
        AtomicBoolean appending = new AtomicBoolean(true);
        List<Future<List<String>>> selecting = new ArrayList<>();
        for (int s = 0; s < SELECTING_SESSIONS; s++) {
          selecting.add(pool.submit(() -> selectAndCloseWhile(dovetail, appending)));
        }
        List<Future<List<String>>> appends = new ArrayList<>();
        for (int s = 0; s < APPENDING_SESSIONS; s++) {
          int session = s;
          appends.add(pool.submit(() -> append(dovetail, session)));
        }
        List<String> refused = new ArrayList<>();
        try {
          for (Future<List<String>> f : appends) {
            refused.addAll(f.get());
          }
        } finally {
          appending.set(false);
        }
        for (Future<List<String>> f : selecting) {
          refused.addAll(f.get());
        }

        assertEquals(List.of(), refused, "commands not answered OK");
      } finally {
        pool.shutdownNow();
        for (RawImap imap : watching) {
          imap.close();
        }
      }
      try (RawImap imap = loggedIn(dovetail)) {
        List<String> status = imap.command("STATUS INBOX (MESSAGES)");
        assertTrue(status.get(0).contains("MESSAGES " + APPENDING_SESSIONS * APPENDS_PER_SESSION),
            "every message stored once: " + status);
      }
    }
  }

  /**
   * The tagged replies that were not OK. Each APPEND goes out in one write with a LITERAL+ literal (RFC 7888): with a
   * synchronizing literal the CRLF after it waits for the server's delayed ACK, some 40 ms per message.
   */
  private static List<String> append(TestDovetail dovetail, int session) throws Exception {
    List<String> refused = new ArrayList<>();
    try (RawImap imap = loggedIn(dovetail)) {
      for (int n = 0; n < APPENDS_PER_SESSION; n++) {
        String tag = "p" + n;
        String message = "Message-ID: <" + session + "." + n + "@example.org>\r\nSubject: " + n + "\r\n\r\nbody\r\n";
        imap.send(tag + " APPEND INBOX () {" + message.length() + "+}\r\n" + message);
        String reply = imap.readResponse();
        while (!reply.startsWith(tag + " ")) {
          reply = imap.readResponse();
        }
        if (!reply.startsWith(tag + " OK ")) {
          refused.add(reply);
        }
      }
    }
    return refused;
  }

  private static List<String> selectAndCloseWhile(TestDovetail dovetail, AtomicBoolean appending) throws Exception {
    List<String> refused = new ArrayList<>();
    try (RawImap imap = loggedIn(dovetail)) {
      while (appending.get()) {
        for (String command : List.of("SELECT INBOX", "CLOSE")) {
          String reply = RawImap.last(imap.command(command));
          if (!reply.contains(" OK ")) {
            refused.add(reply);
          }
        }
      }
    }
    return refused;
  }

  private static RawImap loggedIn(TestDovetail dovetail) throws Exception {
    RawImap imap = RawImap.connect(dovetail.imapPort());
    imap.command("LOGIN alice secret");
    return imap;
  }
}
