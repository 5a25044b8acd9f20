package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.ServeChild;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.MailBytes;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W9: "a crash at any point (kill -9) must leave a store that resumes cleanly with no duplicate and no gap", for IMAP
 * MOVE. {@code dovetail serve} runs in a child JVM; a client moves every message of one folder into the other
 * ({@code UID MOVE 1:* B}, then back) and the server is killed with SIGKILL at a random moment of the MOVE, many times.
 * After each kill every message is in exactly one of the two folders with its bytes, flags and INTERNALDATE, and no
 * UID of either folder ever names another message. At the end a stock Dovecot reads the store and agrees.
 * Copy-then-expunge left the messages of a MOVE killed between the two in both folders.
 */
class MoveCrashDovecotIT {
  private static final int MESSAGES = 150;
  private static final int KILLS = 25;
  private static final List<String> FOLDERS = List.of("A", "B");

  @TempDir Path dir;

  private record Expected(byte[] bytes, Set<SystemFlag> system, Set<String> keywords, Instant date) {}

  private final Map<String, Expected> expected = new HashMap<>();
  /** Every (folder, UID) seen so far, and the message it named: a UID may never name another one. */
  private final Map<String, String> uidsSeen = new HashMap<>();

  @Test
  void sigkillAtRandomMomentsOfMovesLeavesEachMessageInExactlyOneFolder() throws Exception {
    DovecotServer.assumeInstalled();
    Path root = DovecotServer.maildir(dir.resolve("store"), "alice");
    fill(MaildirStore.open(root, StoreOptions.DEFAULT));
    Path conf = config();
    Random random = new Random(9);

    long moveMillis = move(conf, -1); // one whole MOVE, timed, to spread the kills over a MOVE's length
    check(root, "after an uninterrupted MOVE");
    for (int kill = 1; kill <= KILLS; kill++) {
      long delay = random.nextInt((int) Math.max(2, moveMillis * 13 / 10));
      move(conf, delay);
      check(root, "after kill " + kill + " at " + delay + " ms into a MOVE of about " + moveMillis + " ms");
    }

    try (DovecotServer judge = DovecotServer.builder(dir.resolve("store")).user("alice", "judge-pw").noSpecialUse()
        .start(); ImapProbe imap = ImapProbe.login(judge, "alice")) {
      Map<String, Integer> found = new HashMap<>();
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
      for (String folder : FOLDERS) {
        ImapProbe.FolderState seen = imap.examine(folder);
        List<Long> ours = store.open(folder).messages().stream().map(StoredMessage::uid).toList();
        assertEquals(ours, seen.uids(), "Dovecot and Dovetail see the same UIDs in " + folder);
        for (ImapProbe.ImapMessage m : seen.messages()) {
          String id = m.messageId();
          Expected e = expected.get(id);
          assertNotNull(e, "Dovecot shows an unknown message " + id + " in " + folder);
          found.merge(id, 1, Integer::sum);
          assertEquals(imapNames(e), withoutRecent(m.flags()), "Dovecot's flags of " + id);
          assertEquals(e.date(), m.internalDate(), "Dovecot's INTERNALDATE of " + id);
        }
      }
      assertEquals(expected.size(), found.size(), "Dovecot shows every message");
      assertTrue(found.values().stream().allMatch(n -> n == 1), "Dovecot shows each message once: " + found);
      assertEquals(List.of(), judge.logProblems(), "Dovecot read the store without repairing anything");
    }
  }

  /**
   * One server run: MOVE every message of the fuller folder into the other; kill the server {@code killAfterMillis}
   * after sending the command, or (below 0) wait for the answer and return how long the MOVE took.
   */
  private long move(Path conf, long killAfterMillis) throws Exception {
    String from = fuller();
    String to = from.equals("A") ? "B" : "A";
    try (ServeChild child = ServeChild.start(conf)) {
      try (RawImap imap = RawImap.selected(child.awaitImapPort(60), "alice", "secret", from)) {
        long start = System.nanoTime();
        if (killAfterMillis < 0) {
          String answer = RawImap.last(imap.command("UID MOVE 1:* " + to));
          assertTrue(answer.contains(" OK "), answer);
          return (System.nanoTime() - start) / 1_000_000;
        }
        imap.send("m1 UID MOVE 1:* " + to);
        Thread.sleep(killAfterMillis);
        child.kill();
      }
      return killAfterMillis;
    }
  }

  private String fuller() {
    MailStore store = MaildirStore.open(DovecotServer.maildir(dir.resolve("store"), "alice"), StoreOptions.DEFAULT);
    return store.open("A").messages().size() >= store.open("B").messages().size() ? "A" : "B";
  }

  /**
   * A: every message, with flags and keywords; B: none, but keywords of its own first, so that the same keyword has
   * another letter there (dovecot-keywords is per folder).
   */
  private void fill(MailStore store) {
    Mailbox a = store.create("A");
    Mailbox b = store.create("B");
    b.append(MessageMeta.next(Instant.ofEpochSecond(1_500_000_000L), Flags.NONE.withKeywords("OnlyInB", "Zebra")),
        new ByteArrayInputStream(message(0)));
    expected.put(id(0), new Expected(message(0), Set.of(), Set.of("OnlyInB", "Zebra"),
        Instant.ofEpochSecond(1_500_000_000L)));
    for (int i = 1; i < MESSAGES; i++) {
      Flags flags = i % 3 == 0 ? Flags.of(SystemFlag.SEEN) : i % 3 == 1 ? Flags.of(SystemFlag.FLAGGED, SystemFlag.ANSWERED) : Flags.NONE;
      if (i % 4 == 0) {
        flags = flags.withKeywords("Zebra");
      }
      if (i % 5 == 0) {
        flags = flags.withKeywords("Work");
      }
      Instant date = Instant.ofEpochSecond(1_600_000_000L + i * 3_601L);
      a.append(MessageMeta.next(date, flags), new ByteArrayInputStream(message(i)));
      expected.put(id(i), new Expected(message(i), flags.system(), flags.keywords(), date));
    }
  }

  private static String id(int i) {
    return "<m" + i + "@move.test>";
  }

  private static byte[] message(int i) {
    StringBuilder body = new StringBuilder("Message-ID: " + id(i) + "\r\nSubject: message " + i + "\r\n\r\n");
    for (int line = 0; line <= i % 7; line++) {
      body.append("line ").append(line).append(" of message ").append(i).append("\r\n");
    }
    return body.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** As a restarted server reads the store: each message in exactly one folder, unchanged; no UID names another. */
  private void check(Path root, String when) throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    Map<String, String> where = new HashMap<>();
    for (String folder : FOLDERS) {
      Mailbox box = store.open(folder);
      for (StoredMessage m : box.messages()) {
        byte[] bytes;
        try (InputStream in = box.openContent(m.uid())) {
          bytes = in.readAllBytes();
        }
        String id = MailBytes.messageId(bytes).orElseThrow();
        Expected e = expected.get(id);
        assertNotNull(e, when + ": unknown message in " + folder);
        String before = where.put(id, folder + " UID " + m.uid());
        assertTrue(before == null, when + ": " + id + " is in " + before + " and in " + folder + " UID " + m.uid());
        assertArrayEquals(e.bytes(), bytes, when + ": bytes of " + id);
        assertEquals(e.system(), m.flags().system(), when + ": flags of " + id);
        assertEquals(e.keywords(), m.flags().keywords(), when + ": keywords of " + id);
        assertEquals(e.date(), m.internalDate(), when + ": INTERNALDATE of " + id);
        String key = folder + "/" + box.uidValidity() + "/" + m.uid();
        String named = uidsSeen.putIfAbsent(key, id);
        assertTrue(named == null || named.equals(id), when + ": " + key + " named " + named + ", now " + id);
      }
    }
    assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(where.keySet()), when + ": every message is there");
    // Where the kills fell (a split means mid-MOVE), for the reader of the test's output.
    System.out.println("MoveCrashDovecotIT " + when + ": A " + store.open("A").messages().size() + ", B "
        + store.open("B").messages().size());
  }

  private static Set<String> imapNames(Expected e) {
    Set<String> names = new TreeSet<>(e.keywords());
    e.system().forEach(f -> names.add(f.imapName()));
    return names;
  }

  private static Set<String> withoutRecent(Set<String> flags) {
    Set<String> out = new TreeSet<>(flags);
    out.remove("\\Recent");
    return out;
  }

  private Path config() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    return Files.writeString(dir.resolve("dovetail.conf"), "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen =\n"
        + "passdb = passwd-file:" + dir.resolve("passwd") + "\n"
        + "mail_location = maildir:" + dir.resolve("store") + "/home/%n/Maildir\n"
        + "admin_socket = " + dir.resolve("admin.sock") + "\n");
  }
}
