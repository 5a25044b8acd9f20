package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dovetail's per-folder state has several writers that each keep the others' keys (the migration's progress, the
 * IMAP front-end's mod-sequence ceiling, the service's counts). Updates running at once, through separate Mailbox
 * instances in one process and from another process, must all be kept.
 */
class DovetailStateUpdatesTest {
  @TempDir Path root;

  private static Map<String, String> with(Map<String, String> state, String key, String value) {
    TreeMap<String, String> next = new TreeMap<>(state);
    next.put(key, value);
    return next;
  }

  @Test
  void concurrentUpdatesInOneProcessAreAllKept() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    store.create("INBOX", 7, 1).writeDovetailState(Map.of("state", "pending"));
    int writers = 6;
    int each = 150;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String prefix = "writer" + w;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            String key = prefix + "-" + i;
            store.open("INBOX").updateDovetailState(s -> with(s, key, "x"));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Map<String, String> state = store.open("INBOX").dovetailState();
    assertEquals("pending", state.get("state"));
    assertEquals(writers * each + 1, state.size(), "lost: " + missing(state, writers, each));
  }

  @Test
  void updatesFromAnotherProcessAreAllKept() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    store.create("INBOX", 7, 1);
    int each = 300;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StateWriter.class.getName(),
        root.toString(), "child", Integer.toString(each)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("READY", out.readLine());
      OutputStream in = child.getOutputStream();
      in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      for (int i = 0; i < each; i++) {
        String key = "parent-" + i;
        store.open("INBOX").updateDovetailState(s -> with(s, key, "x"));
      }
      assertEquals("DONE", out.readLine());
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
    }
    Map<String, String> state = store.open("INBOX").dovetailState();
    List<String> lost = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      for (String who : List.of("parent-", "child-")) {
        if (!state.containsKey(who + i)) {
          lost.add(who + i);
        }
      }
    }
    assertEquals(List.of(), lost);
  }

  private static String missing(Map<String, String> state, int writers, int each) {
    List<String> lost = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      for (int i = 0; i < each; i++) {
        if (!state.containsKey("writer" + w + "-" + i)) {
          lost.add("writer" + w + "-" + i);
        }
      }
    }
    return lost.stream().limit(20).collect(Collectors.joining(" ")) + " (" + lost.size() + ")";
  }

  /**
   * A damaged state (bytes that are not UTF-8, a line that is not key=value) is an error naming the file and the line,
   * and the file is left as it is: read as less, a lost migration.state made an unfinished folder look local (review of
   * walk-through 11, W6). A CR before the LF is part of the line end.
   */
  @Test
  void aDamagedStateIsAnErrorNamingTheFileAndACrlfStateIsRead() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    store.create("INBOX", 7, 1).writeDovetailState(Map.of("migration.state", "partial", "legacy.name", "Caf\u00e9"));
    Path file = root.resolve(DovetailStateFile.FILE);
    byte[] good = java.nio.file.Files.readAllBytes(file);

    byte[] binary = java.util.Arrays.copyOf(good, good.length + 3);
    binary[good.length] = (byte) 0xff;
    binary[good.length + 1] = '=';
    binary[good.length + 2] = '\n';
    java.nio.file.Files.write(file, binary);
    dovetail.store.StoreException notUtf8 = org.junit.jupiter.api.Assertions.assertThrows(
        dovetail.store.StoreException.class, () -> store.open("INBOX").dovetailState());
    assertEquals(dovetail.store.StoreError.CORRUPT, notUtf8.error());
    assertTrue(notUtf8.getMessage().startsWith(file + " is damaged: it is not UTF-8 text"), notUtf8.getMessage());
    assertTrue(java.util.Arrays.equals(binary, java.nio.file.Files.readAllBytes(file)), "left as it is");

    java.nio.file.Files.writeString(file, "legacy.name=Caf\u00e9\ngarbage without equals\nmigration.state=partial\n",
        StandardCharsets.UTF_8);
    dovetail.store.StoreException line = org.junit.jupiter.api.Assertions.assertThrows(
        dovetail.store.StoreException.class, () -> store.open("INBOX").updateDovetailState(st -> st));
    assertTrue(line.getMessage().startsWith(file + " is damaged: line 2 is not key=value"), line.getMessage());

    java.nio.file.Files.writeString(file, "legacy.name=Caf\u00e9\r\nmigration.state=partial\r\n", StandardCharsets.UTF_8);
    assertEquals(Map.of("migration.state", "partial", "legacy.name", "Caf\u00e9"), store.open("INBOX").dovetailState());
  }
}
