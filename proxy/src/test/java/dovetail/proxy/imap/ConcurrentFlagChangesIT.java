package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several sessions of one user, or a session and Dovecot, change flags of the same messages at once (a phone marks
 * mail read while the desktop flags it): every change a STORE answered OK for is kept. The concurrent test below
 * catches the old behaviour most of the time; the one with Dovecot's rename always. Each session used to compute the new flags from the
 * messages as it read them before waiting for the others, and wrote that older view back over their changes.
 */
class ConcurrentFlagChangesIT {
  private static final int MESSAGES = 200;
  private static final int SESSIONS = 3;
  private static final int ROUNDS = 4;
  private static final Pattern FETCH = Pattern.compile("^\\* \\d+ FETCH \\(.*?UID (\\d+).*?FLAGS \\(([^)]*)\\)|"
      + "^\\* \\d+ FETCH \\(.*?FLAGS \\(([^)]*)\\).*?UID (\\d+)");

  @TempDir Path dir;

  /**
   * The same race made certain: Dovecot sets \Seen (renaming the file) after the session's look, in the same mtime
   * tick; the session's STORE +FLAGS (\Flagged) keeps it. Before, the STORE wrote the flags it had computed from its
   * look, and \Seen was gone.
   */
  @Test
  void aStoreKeepsWhatDovecotChangedSinceTheSessionLooked() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      Mailbox inbox = dovetail.store("alice").create("INBOX", 777, 1);
      inbox.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream("Subject: 1\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
      Path folder = dovetail.mailRoot().resolve("alice/Maildir");
      UnnoticedChange.beforeListing(folder);
      try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
        imap.command("LOGIN alice secret");
        imap.command("SELECT INBOX");
        UnnoticedChange.toMessage(folder, 1,
            file -> Files.move(file, file.resolveSibling(file.getFileName().toString().replace(":2,", ":2,S"))));
        List<String> stored = imap.command("UID STORE 1 +FLAGS (\\Flagged)");
        assertTrue(RawImap.last(stored).contains(" OK "), stored.toString());
      }
      assertEquals(Flags.of(SystemFlag.FLAGGED, SystemFlag.SEEN),
          dovetail.store("alice").open("INBOX").messages().get(0).flags());
    }
  }

  @Test
  void everyAcknowledgedFlagChangeIsKept() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start()) {
      Mailbox inbox = dovetail.store("alice").create("INBOX", 777, 1);
      try (MailboxTransaction tx = inbox.begin()) {
        for (int i = 1; i <= MESSAGES; i++) {
          tx.add(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
              new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
        tx.commit();
      }
      CyclicBarrier together = new CyclicBarrier(SESSIONS);
      ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
      try {
        List<Future<?>> sessions = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
          int session = s;
          sessions.add(pool.submit(() -> {
            try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
              imap.command("LOGIN alice secret");
              imap.command("SELECT INBOX");
              for (int round = 0; round < ROUNDS; round++) {
                together.await();
                for (int uid = 1; uid <= MESSAGES; uid++) {
                  List<String> answer = imap.command("UID STORE " + uid + " +FLAGS (s" + session + "r" + round + ")");
                  assertTrue(RawImap.last(answer).contains(" OK "), answer.toString());
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> f : sessions) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      TreeMap<Long, List<String>> lost = new TreeMap<>();
      try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
        imap.command("LOGIN alice secret");
        imap.command("SELECT INBOX");
        List<String> lines = imap.command("UID FETCH 1:* (FLAGS)");
        int seen = 0;
        for (String line : lines) {
          Matcher m = FETCH.matcher(line);
          if (!m.find()) {
            continue;
          }
          seen++;
          long uid = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(4));
          List<String> flags = List.of((m.group(2) != null ? m.group(2) : m.group(3)).split(" "));
          for (int s = 0; s < SESSIONS; s++) {
            for (int round = 0; round < ROUNDS; round++) {
              if (!flags.contains("s" + s + "r" + round)) {
                lost.computeIfAbsent(uid, u -> new ArrayList<>()).add("s" + s + "r" + round);
              }
            }
          }
        }
        assertEquals(MESSAGES, seen, lines.toString());
      }
      assertEquals(new TreeMap<>(), lost, "keywords lost, by UID");
    }
  }
}
