package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several sessions on one folder send random batches of FETCH, STORE, EXPUNGE, SEARCH and LITERAL+ APPENDs without
 * waiting, each batch cut into writes at random places. Every command gets exactly one tagged answer, in order, and
 * no other tag ever appears (the APPEND literals are full of command-like lines); each APPEND adds exactly one
 * message. A second test also holds each session's picture of the folder, kept from the untagged responses it
 * receives ({@link ClientView}), to the protocol as it goes and to SEARCH ALL and the store at the end. The seed is
 * printed with any failure ({@code -Dstress.seed=...} replays it).
 */
class PipeliningStressIT {
  private static final int INITIAL = 10;
  private static final int SESSIONS = 4;
  private static final int ROUNDS = 6;
  private static final int PER_ROUND = 20;
  private static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID \\d+ (\\d+)]");

  @RegisterExtension static final SharedFolderServer server = new SharedFolderServer();

  @Test
  void everyPipelinedCommandIsAnsweredOnceInOrderAndEveryAppendIsStoredOnce() throws Exception {
    run("Shared", false);
  }

  /**
   * Also checks each session's view as its untagged responses build it. James 3.8.1's SelectedMailboxImpl failed
   * this: under concurrent EXPUNGEs it sent "* -1 EXPUNGE", FETCH named messages before their EXISTS, and the count
   * a client derived from EXISTS and EXPUNGE drifted from the folder's (e.g. 64 against 67). See FolderView.
   */
  @Test
  void eachSessionsViewFromUntaggedResponsesMatchesTheFolder() throws Exception {
    run("Viewed", true);
  }

  private void run(String folder, boolean checkViews) throws Exception {
    Mailbox seeded = server.create(folder);
    for (int i = 0; i < INITIAL; i++) {
      seeded.append(MessageMeta.next(Instant.now(), Flags.NONE),
          new ByteArrayInputStream(("Subject: initial-" + i + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    long seed = Long.getLong("stress.seed", System.nanoTime());
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      sessions.add(new Session(i, new Random(seed + i), seed, folder, checkViews));
    }
    ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (Session s : sessions) {
        runs.add(pool.submit(() -> {
          s.run();
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
    try {
      sessions.get(0).exchange(List.of("EXPUNGE"));
      int stored = server.open(folder).messages().size();
      for (Session s : sessions) {
        if (!checkViews) {
          break;
        }
        s.exchange(List.of("NOOP"));
        List<String> search = s.exchange(List.of("SEARCH ALL"));
        int found = search.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElseThrow()
            .split(" ").length - 2;
        assertEquals(found, s.view.count(), "session " + s.id + "'s model matches SEARCH ALL (seed " + seed + ")");
        assertEquals(stored, s.view.count(), "session " + s.id + "'s model matches the store (seed " + seed + ")");
      }
      Map<String, Integer> subjects = new TreeMap<>();
      Mailbox box = server.open(folder);
      for (StoredMessage m : box.messages()) {
        subjects.merge(subject(box, m), 1, Integer::sum);
      }
      Map<String, Integer> expected = new TreeMap<>();
      for (int i = 0; i < INITIAL; i++) {
        expected.put("initial-" + i, 1);
      }
      int appended = 0;
      for (Session s : sessions) {
        appended += s.appended.size();
        for (String subject : s.appended) {
          if (!s.deleted.contains(subject)) {
            expected.put(subject, 1);
          }
        }
      }
      assertTrue(appended > 0, "the random mix appended something (seed " + seed + ")");
      assertEquals(expected, subjects, "each APPEND stored once, each \\Deleted one expunged (seed " + seed + ")");
    } finally {
      for (Session s : sessions) {
        s.wire.close();
      }
    }
  }

  private static String subject(Mailbox box, StoredMessage m) {
    try (InputStream in = box.openContent(m.uid())) {
      String head = new String(in.readNBytes(200), StandardCharsets.ISO_8859_1);
      return head.substring("Subject: ".length(), head.indexOf("\r\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One client: its connection, its model of the folder, and what it appended and flagged \Deleted. */
  private static final class Session {
    final int id;
    final Random random;
    final long seed;
    final PipelineWire wire;
    final String folder;
    final ClientView view;
    int next;
    final List<String> appended = new ArrayList<>();
    final Set<String> deleted = new HashSet<>();
    final Map<Long, String> appendedUids = new HashMap<>();
    final java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();

    Session(int id, Random random, long seed, String folder, boolean checkView) throws IOException {
      this.id = id;
      this.random = random;
      this.seed = seed;
      this.folder = folder;
      this.view = checkView ? new ClientView("session " + id + ", seed " + seed) : null;
      this.wire = server.dovetail().connection();
      exchange(List.of("LOGIN " + server.dovetail().credentials()));
      exchange(List.of("SELECT " + folder));
    }

    void run() throws IOException {
      for (int round = 0; round < ROUNDS; round++) {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < PER_ROUND; i++) {
          batch.add(randomCommand());
        }
        exchange(batch);
      }
    }

    private String randomCommand() {
      switch (random.nextInt(6)) {
        case 0:
          return "FETCH 1:* (FLAGS)";
        case 1:
          return "STORE " + (1 + random.nextInt(INITIAL)) + " +FLAGS (\\Seen)";
        case 2:
          if (appendedUids.isEmpty()) {
            return "NOOP";
          }
          List<Long> uids = new ArrayList<>(appendedUids.keySet());
          return "UID STORE " + uids.get(random.nextInt(uids.size())) + " +FLAGS (\\Deleted)";
        case 3:
          return "EXPUNGE";
        case 4:
          return random.nextBoolean() ? "SEARCH ALL" : "SEARCH UNSEEN";
        default:
          String subject = "s" + id + "-" + appended.size() + "-" + random.nextInt(1_000_000);
          StringBuilder body = new StringBuilder("Subject: " + subject + "\r\n\r\n");
          for (int i = random.nextInt(5); i >= 0; i--) {
            body.append("q").append(i).append(" LOGOUT\r\nq").append(i).append(" APPEND ").append(folder)
                .append(" {2+}\r\n");
          }
          appended.add(subject); // provisional: checked against the tagged answer
          return "APPEND " + folder + " {" + body.length() + "+}\r\n" + body;
      }
    }

    /** Sends the commands in one go, cut into 1 to 3 writes, and checks every answer as it comes. */
    List<String> exchange(List<String> commands) throws IOException {
      List<String> tags = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      for (String c : commands) {
        String tag = "c" + id + "x" + (next++);
        tags.add(tag);
        text.append(tag).append(' ').append(c).append("\r\n");
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
      int cut1 = random == null ? bytes.length : random.nextInt(bytes.length + 1);
      int cut2 = cut1 + (bytes.length - cut1) / 2;
      wire.send(java.util.Arrays.copyOfRange(bytes, 0, cut1));
      wire.send(java.util.Arrays.copyOfRange(bytes, cut1, cut2));
      wire.send(java.util.Arrays.copyOfRange(bytes, cut2, bytes.length));
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < tags.size(); i++) {
        String tag = tags.get(i);
        while (true) {
          String line = wire.line();
          assertTrue(line != null, "connection closed before " + tag + " (seed " + seed + ")");
          lines.add(line);
          recent.addLast(line.length() > 120 ? line.substring(0, 120) : line);
          if (recent.size() > 40) {
            recent.removeFirst();
          }
          if (line.startsWith("* ")) {
            untagged(line);
            continue;
          }
          assertTrue(line.startsWith(tag + " OK"), "expected " + tag + " OK next, got: " + line + " (seed " + seed + ")");
          track(commands.get(i), line);
          break;
        }
      }
      return lines;
    }

    private void untagged(String line) {
      if (view != null) {
        view.read(line, String.join("\n", recent));
      }
    }

    private void track(String command, String tagged) {
      if (command.startsWith("APPEND")) {
        Matcher m = APPENDUID.matcher(tagged);
        assertTrue(m.find(), tagged);
        String subject = command.substring(command.indexOf("Subject: ") + 9, command.indexOf("\r\n\r\n"));
        appendedUids.put(Long.parseLong(m.group(1)), subject);
      } else if (command.startsWith("UID STORE") && command.endsWith("(\\Deleted)")) {
        deleted.add(appendedUids.get(Long.parseLong(command.split(" ")[2])));
      }
    }
  }
}
