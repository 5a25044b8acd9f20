package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments while messages are committed: the store must resume with no loss, duplicate or
 * gap, and real Dovecot must then serve it without complaint.
 */
class MaildirCrashDovecotIT {
  private static final long LAST_UID = 1500;
  private static final int KILLS = 25;

  @TempDir Path work;
  private Path root;

  @Test
  void sigkillAtRandomMomentsLosesNothingCommittedAndResumesWithoutGapsOrDuplicates() throws Exception {
    DovecotServer.assumeInstalled();
    root = DovecotServer.maildir(work, "crash");
    Random random = new Random(42);
    TreeSet<Long> committed = new TreeSet<>();
    int kills = 0;
    for (int run = 0; run < KILLS + 20 && !done(); run++) {
      Process child = start();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
      String ready = out.readLine();
      assertTrue(ready != null && ready.startsWith("READY"), "child did not start (its stderr is in the test output): " + ready);
      boolean kill = kills < KILLS;
      // Let the child commit a random number of messages, then kill it wherever it is by then.
      int killAfter = kill ? 1 + random.nextInt(80) : Integer.MAX_VALUE;
      int seen = 0;
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("COMMITTED ")) {
          committed.add(Long.parseLong(line.substring(10)));
          if (++seen == killAfter && child.isAlive()) {
            // kill -9 itself: Process.destroyForcibly() would also close our end of the child's stdout.
            new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).start().waitFor();
            kills++;
          }
        }
      }
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      checkStore(committed);
    }
    assertEquals(KILLS, kills);
    Mailbox box = MaildirStore.open(root, StoreOptions.DEFAULT).open("Crash");
    List<StoredMessage> all = box.messages();
    assertEquals(LAST_UID, all.size(), "every UID from 1 to " + LAST_UID + " is present once");
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i + 1, all.get(i).uid(), "no gap");
    }
    assertEquals(LAST_UID + 10, box.status().nextUid());
    assertTrue(committed.size() > 0);

    try (DovecotServer dovecot = DovecotServer.builder(work).user("crash", "pw").noSpecialUse().start();
        ImapProbe imap = ImapProbe.login(dovecot, "crash")) {
      ImapProbe.FolderState seen = imap.examine("Crash");
      assertEquals(424242, seen.uidValidity());
      assertEquals(LAST_UID + 10, seen.uidNext());
      List<Long> expected = new ArrayList<>();
      for (long uid = 1; uid <= LAST_UID; uid++) {
        expected.add(uid);
      }
      assertEquals(expected, seen.uids());
      assertEquals(List.of(), dovecot.logProblems());
    }
  }

  private boolean done() {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    if (!store.exists("Crash")) {
      return false;
    }
    List<StoredMessage> all = store.open("Crash").messages();
    return !all.isEmpty() && all.get(all.size() - 1).uid() == LAST_UID;
  }

  /** Every committed UID is present with its own bytes; UIDs are contiguous from 1; no leftovers in tmp/ are visible. */
  private void checkStore(TreeSet<Long> committed) throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    if (!store.exists("Crash")) {
      return;
    }
    Mailbox box = store.open("Crash");
    List<StoredMessage> all = box.messages();
    List<Long> uids = new ArrayList<>();
    for (StoredMessage m : all) {
      uids.add(m.uid());
      try (InputStream in = box.openContent(m.uid())) {
        assertArrayEquals(CrashingWriter.body(m.uid()), in.readAllBytes(), "bytes of UID " + m.uid());
      }
      assertEquals(1_600_000_000L + m.uid(), m.internalDate().getEpochSecond());
    }
    for (int i = 0; i < uids.size(); i++) {
      assertEquals(i + 1, uids.get(i), "contiguous UIDs after a kill: " + uids);
    }
    for (long uid : committed) {
      assertTrue(uids.contains(uid), "committed UID " + uid + " is present");
    }
    String header = Files.readAllLines(root.resolve(".Crash/dovecot-uidlist")).get(0);
    assertTrue(header.startsWith("3 V424242 "), header);
  }

  private Process start() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        CrashingWriter.class.getName(), root.toString(), Long.toString(LAST_UID))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
