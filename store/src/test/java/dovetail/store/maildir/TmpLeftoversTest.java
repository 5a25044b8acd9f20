package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Crash safety": a save that a kill interrupted before its commit leaves files in tmp/ that no record names.
 * The next Dovetail that opens or writes the folder removes them when their writer, named in the file name, was a
 * process of this host that no longer runs; any other leftover (another host's, a writer still running) waits for
 * Dovecot's 36 hours, since its save may still be in progress.
 */
class TmpLeftoversTest {
  @TempDir Path root;

  private static String host() {
    return HostName.forFilename();
  }

  /** The pid of a process that ran and ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    long pid = p.pid();
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    return pid;
  }

  private List<String> tmp(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder.resolve("tmp"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aKilledWritersUncommittedMessagesAreGoneWhenTheFolderIsNextOpened() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        UncommittedWriter.class.getName(), root.toString(), "61").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
      assertEquals("ADDED 61", out.readLine());
      new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).start().waitFor();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    Path folder = root.resolve(".Kill");
    assertEquals(61, tmp(folder).size(), "what the kill left");
    Mailbox box = MaildirStore.open(root, StoreOptions.DEFAULT).open("Kill"); // a resumed migration, say
    assertEquals(List.of(), tmp(folder));
    assertEquals(List.of(), box.messages());
    assertEquals(1, box.status().nextUid(), "no UID was used");
  }

  @Test
  void aWriterThatStillRunsOrAnotherHostsWriterKeepsItsFiles() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    store.create("F", 5, 1);
    Path folder = root.resolve(".F");
    Process alive = new ProcessBuilder("sleep", "60").start();
    try {
      long dead = deadPid();
      List<String> kept = List.of(
          "1700000000.M1P" + alive.pid() + "." + host(), // Dovecot's name, a save in progress elsewhere
          "1700000000.M2P" + ProcessHandle.current().pid() + "Q9." + host(), // this process: another thread's save
          "1700000000.M3P" + dead + "Q1.another-host", // cannot tell from here: 36 hours
          "1700000000.4242_1." + host(), // procmail's name: no pid to judge by
          "notes");
      for (String name : kept) {
        Files.writeString(folder.resolve("tmp").resolve(name), "x");
      }
      Files.writeString(folder.resolve("tmp").resolve("1700000000.M4P" + dead + "Q1." + host()), "x");
      Files.writeString(folder.resolve("tmp").resolve("1700000000.M5P" + dead + "." + host()), "x"); // Dovecot's

      MaildirStore.open(root, StoreOptions.DEFAULT).open("F");
      assertEquals(kept.stream().sorted().toList(), tmp(folder));
    } finally {
      alive.destroyForcibly();
    }
  }

  /** A writer killed while the folder is open here: the next write of this process clears its files, not a restart. */
  @Test
  void theNextWriteOfAFolderAlreadyOpenRemovesWhatADeadWriterLeft() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    Mailbox box = store.create("F", 5, 1);
    long uid = box.append(MessageMeta.next(Instant.now(), Flags.NONE),
        new ByteArrayInputStream("Subject: kept\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))).uid();
    Path folder = root.resolve(".F");
    String left = "1700000000.M4P" + deadPid() + "Q1." + host();
    Files.writeString(folder.resolve("tmp").resolve(left), "half a message");
    box.setFlags(uid, Flags.of(SystemFlag.SEEN));
    assertEquals(List.of(), tmp(folder));
    assertEquals(List.of(uid), box.messages().stream().map(m -> m.uid()).toList());
  }

  /** The file of a commit cut between its uidlist append and its move is the next sync's to undo: it stays until then. */
  @Test
  void aFileThatARecordNamesStaysForTheSyncThatUndoesItsCommit() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    store.create("F", 5, 1);
    Path folder = root.resolve(".F");
    String name = "1700000000.M4P" + deadPid() + "Q1." + host();
    Files.writeString(folder.resolve("tmp").resolve(name), "new\r\n");
    Files.writeString(folder.resolve("dovecot-uidlist"),
        "3 V5 N1 G0123456789abcdef0123456789abcdef\n1 :" + name + ",S=5,W=5\n");
    TmpLeftovers.remove(folder, 0);
    assertEquals(List.of(name), tmp(folder), "kept for the undo");
    Mailbox box = MaildirStore.open(root, StoreOptions.DEFAULT).open("F");
    assertEquals(List.of(), box.messages());
    assertEquals(1, box.status().nextUid(), "the interrupted commit was undone, its UID given back");
    assertEquals(List.of(), tmp(folder));
  }
}
