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
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W9: "a crash at any point (kill -9) must leave a store that resumes cleanly with no duplicate and no gap", for IMAP
 * MOVE. {@code dovetail serve} runs in a child JVM; a client moves every message of one folder into the other
 * ({@code UID MOVE 1:* B}, then back) and the server is killed with SIGKILL during the MOVE, 25 times: at a random
 * moment, or as soon as the disk shows it at one of its steps (the target's records written; part of the files
 * renamed; all renamed, the source's expunge next), each seen by polling the folders.
 * After each kill every message is in exactly one of the two folders with its bytes, flags and INTERNALDATE, and no
 * UID of either folder ever names another message. At the end a stock Dovecot reads the store and agrees.
 * Copy-then-expunge left the messages of a MOVE killed between the two in both folders.
 */
class MoveCrashDovecotIT {
  private static final int MESSAGES = 300;
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

    long moveMillis = move(conf, null, 0); // one whole MOVE, timed, to spread the random kills over a MOVE's length
    check(root, "after an uninterrupted MOVE");
    for (int kill = 1; kill <= KILLS; kill++) {
      KillPoint point = KillPoint.values()[kill % KillPoint.values().length];
      long at = point == KillPoint.RANDOM_TIME ? random.nextInt((int) Math.max(2, moveMillis * 13 / 10))
          : 1 + random.nextInt(MESSAGES - 1);
      move(conf, point, at);
      String left = recordsWithoutFiles();
      check(root, "after kill " + kill + " (" + point + " " + at + "; MOVE of about " + moveMillis + " ms; left "
          + left + ")");
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

  /** Where a run is killed: at a random moment, or as soon as the disk shows the MOVE at one of its steps. */
  private enum KillPoint {
    /** {@code at} ms after the MOVE was sent. */
    RANDOM_TIME,
    /** The target's uidlist has grown: its records are written, the files still in the source. */
    TARGET_RECORDS_WRITTEN,
    /** {@code at} files are in the target's cur/ (of the MOVE's renames). */
    MID_RENAMES,
    /** The source's cur/ is empty: every file renamed, the source's expunge next. */
    SOURCE_EMPTIED
  }

  /**
   * One server run: MOVE every message of the fuller folder into the other; kill the server at {@code point}, or
   * (null) wait for the answer and return how long the MOVE took.
   */
  private long move(Path conf, KillPoint point, long at) throws Exception {
    String from = fuller();
    String to = from.equals("A") ? "B" : "A";
    Path source = folderDir(from);
    Path target = folderDir(to);
    try (ServeChild child = ServeChild.start(conf)) {
      try (RawImap imap = RawImap.selected(child.awaitImapPort(60), "alice", "secret", from)) {
        long uidlistBefore = Files.size(target.resolve("dovecot-uidlist"));
        long inTargetBefore = filesIn(target.resolve("cur"));
        long start = System.nanoTime();
        if (point == null) {
          String answer = RawImap.last(imap.command("UID MOVE 1:* " + to));
          assertTrue(answer.contains(" OK "), answer);
          return (System.nanoTime() - start) / 1_000_000;
        }
        imap.send("m1 UID MOVE 1:* " + to);
        switch (point) {
          case RANDOM_TIME -> Thread.sleep(at);
          case TARGET_RECORDS_WRITTEN -> awaitOnDisk(() -> Files.size(target.resolve("dovecot-uidlist")) > uidlistBefore);
          case MID_RENAMES -> awaitOnDisk(() -> filesIn(target.resolve("cur")) >= inTargetBefore + at);
          case SOURCE_EMPTIED -> awaitOnDisk(() -> filesIn(source.resolve("cur")) == 0);
        }
        child.kill();
      }
      return at;
    }
  }

  private interface DiskCondition {
    boolean holds() throws IOException;
  }

  /** Polls the disk until {@code condition} holds; gives up (the kill then lands where it lands) after 30 s. */
  private static void awaitOnDisk(DiskCondition condition) throws IOException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.holds() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static long filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  private Path folderDir(String folder) {
    return DovecotServer.maildir(dir.resolve("store"), "alice").resolve("." + folder);
  }

  /** Each folder's records whose file is in neither cur/ nor new/, as the kill left them (before any reader settles). */
  private String recordsWithoutFiles() throws IOException {
    List<String> out = new ArrayList<>();
    for (String folder : FOLDERS) {
      Path d = folderDir(folder);
      Set<String> bases = new HashSet<>();
      for (String sub : List.of("cur", "new")) {
        try (Stream<Path> files = Files.list(d.resolve(sub))) {
          files.forEach(f -> bases.add(f.getFileName().toString().split(":", 2)[0]));
        }
      }
      List<String> lines = Files.readAllLines(d.resolve("dovecot-uidlist"));
      long without = lines.stream().skip(1).filter(l -> l.contains(":"))
          .filter(l -> !bases.contains(l.substring(l.indexOf(':') + 1))).count();
      out.add(folder + " " + without);
    }
    return "records without files: " + String.join(", ", out);
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
