package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.MigrationListener;
import dovetail.migrator.copy.Progress;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.MailStore;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.Forwarder;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On-access migration through the IMAP front-end, with real Dovecot 2.3 as the legacy server (master user) behind
 * a forwarder that can take it away. Clients are real (Jakarta Mail through ImapProbe, and raw sockets).
 */
class OnAccessMigrationDovecotIT {
  private static final String STATE = "migration.state";

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static Forwarder forwarder;
  private static TestDovetail dovetail;
  /** Holds the "Slow" folder's migration at its 50th message until a client has heard progress. */
  private static final CountDownLatch progressHeard = new CountDownLatch(1);
  /** Erin's "Deep" migration signals its 40th message, then waits until the test has cut the legacy server. */
  private static final CountDownLatch deepReached = new CountDownLatch(1);
  private static final CountDownLatch deepRelease = new CountDownLatch(1);
  /** Gina's "Held" migration stops at its 20th message until the test lets it go. */
  private static final CountDownLatch heldReached = new CountDownLatch(1);
  private static final CountDownLatch heldRelease = new CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    legacy = DovecotServer.builder(dir.resolve("legacy")).user("alice", "secret").user("bob", "secret")
        .user("carol", "secret").user("dave", "secret").user("erin", "secret").user("frank", "secret").user("gina", "secret").user("hank", "secret").masterUser("master", "master-secret").autoCreateSpecialUse(false).start();
    for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina")) {
      try (ImapProbe p = ImapProbe.login(legacy, user)) {
        p.create("Work");
        p.create("Projekte/Über");
        p.create("Slow");
        p.subscribe("Work");
        for (int i = 0; i < 30; i++) {
          p.append("INBOX", message(user, "inbox " + i), i % 3 == 0 ? List.of("\\Seen") : List.of(),
              Instant.parse("2021-03-04T05:06:07Z").plusSeconds(i * 3600L));
          p.append("Work", message(user, "work " + i), List.of("\\Flagged", "$Project"),
              Instant.parse("2022-01-01T00:00:00Z").plusSeconds(i));
        }
        for (int i = 0; i < 12; i++) {
          p.append("Projekte/Über", message(user, "über " + i), List.of(), Instant.parse("2023-05-05T05:05:05Z"));
        }
        for (int i = 0; i < 120; i++) {
          p.append("Slow", message(user, "slow " + i), List.of(), Instant.parse("2024-01-01T00:00:00Z"));
        }
        p.expunge("INBOX", List.of(4L, 5L, 17L)); // UID gaps
      }
    }
    try (ImapProbe p = ImapProbe.login(legacy, "erin")) {
      p.create("Deep");
      // 100 x 200 kB, of which the forwarder lets only about 60 through before the cut (see the test).
      for (int i = 0; i < 100; i++) {
        StringBuilder large = new StringBuilder(new String(message("erin", "deep " + i), StandardCharsets.UTF_8));
        while (large.length() < 200 * 1024) {
          large.append("more of deep message ").append(i).append("\r\n");
        }
        p.append("Deep", large.toString().getBytes(StandardCharsets.UTF_8),
            i % 2 == 0 ? List.of("\\Answered") : List.of(), Instant.parse("2019-09-09T09:09:09Z").plusSeconds(i));
      }
    }
    try (ImapProbe p = ImapProbe.login(legacy, "gina")) {
      p.create("Held");
      for (int i = 0; i < 40; i++) {
        p.append("Held", message("gina", "held " + i), List.of(), Instant.parse("2024-02-02T00:00:00Z"));
      }
    }
    forwarder = new Forwarder(legacy.imapPort());
    dovetail = TestDovetail.builder(dir.resolve("dovetail"))
        .user("alice", "{PLAIN}secret").user("bob", "{PLAIN}secret").user("carol", "{PLAIN}secret").user("dave", "{PLAIN}secret").user("erin", "{PLAIN}secret")
        .user("frank", "{PLAIN}secret").user("gina", "{PLAIN}secret").user("hank", "{PLAIN}secret")
        .legacyImap(forwarder.port(), "master", "master-secret")
        .setting("sweeper = no").setting("mail_fsync = never")
        .setting("mail_max_userip_connections = 0") // many sessions of one user at once: UserIpLimitIT tests the limit
        .setting("mail_prefetch_count = 10") // bodies come in batches of 10, so a cut at message 40 interrupts
        .progressInterval(java.time.Duration.ofMillis(100))
        .migrationObserver(new MigrationListener() {
          @Override
          public void progress(Progress progress) {
            if (progress.folder().equals("Slow") && progress.messagesDone() == 50) {
              await(progressHeard);
            }
            if (progress.folder().equals("Held") && progress.messagesDone() == 20) {
              heldReached.countDown();
              await(heldRelease);
            }
            if (progress.folder().equals("Deep") && progress.messagesDone() == 40) {
              deepReached.countDown();
              await(deepRelease);
            }
          }
        })
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    progressHeard.countDown();
    heldRelease.countDown();
    deepRelease.countDown();
    if (dovetail != null) {
      dovetail.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  /** A command that names no folder does not wait for the skeleton: with the legacy server gone, it is answered. */
  @Test
  void commandsThatNameNoFolderDoNotWaitForTheSkeleton() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN hank secret")).contains(" OK "));
      try {
        forwarder.retarget(closedPort());
        forwarder.cutAll();
        for (String command : List.of("CAPABILITY", "NOOP", "NAMESPACE", "ID NIL")) {
          String reply = RawImap.last(imap.command(command));
          assertTrue(reply.contains(" OK "), command + ": " + reply);
        }
        List<String> logout = imap.command("LOGOUT");
        assertTrue(logout.get(0).startsWith("* BYE"), logout.toString());
        assertTrue(RawImap.last(logout).contains(" OK "), logout.toString());
      } finally {
        forwarder.retarget(legacy.imapPort());
      }
    }
  }

  /**
   * More clients waiting on one migration than Reactor's shared threads (10 per core) hold up nobody else: while
   * they wait, each keeps hearing progress lines, and another session's SELECT of a migrated folder is answered.
   */
  @Test
  void clientsWaitingOnAMigrationHoldUpNoOtherCommand() throws Exception {
    try (ImapProbe first = ImapProbe.login(dovetail.imapPort(), "gina", "secret")) {
      first.examine("INBOX"); // migrated now
    }
    int waiting = Runtime.getRuntime().availableProcessors() * 10 + 1;
    List<RawImap> clients = new ArrayList<>();
    try {
      for (int i = 0; i < waiting; i++) {
        RawImap client = RawImap.connect(dovetail.imapPort());
        clients.add(client);
        client.command("LOGIN gina secret");
        client.send("h SELECT Held");
      }
      assertTrue(heldReached.await(60, TimeUnit.SECONDS), "the migration of Held started");
      for (RawImap client : clients) {
        String line = client.readResponse();
        assertTrue(line.startsWith("* OK") && line.contains("Migrating Held"), line);
      }
      try (RawImap other = RawImap.connect(dovetail.imapPort())) {
        other.command("LOGIN gina secret");
        String reply = RawImap.last(other.command("SELECT INBOX"));
        assertTrue(reply.contains(" OK "), reply);
      }
    } finally {
      heldRelease.countDown();
    }
    for (int i = 0; i < clients.size(); i++) {
      RawImap client = clients.get(i);
      List<String> seen = new ArrayList<>();
      String line;
      do {
        try {
          line = client.readResponse();
        } catch (java.io.IOException e) {
          throw new AssertionError("client " + i + " of " + clients.size() + " after " + seen, e);
        }
        seen.add(line);
      } while (!line.startsWith("h "));
      assertTrue(line.startsWith("h OK"), line);
      client.close();
    }
  }

  @Test
  void listShowsEveryLegacyFolderWhileOnlyTheSkeletonExists() throws Exception {
    Set<String> legacyNames = new TreeSet<>();
    try (ImapProbe p = ImapProbe.login(legacy, "dave")) {
      p.list().forEach(e -> legacyNames.add(e.name().replace(e.separator(), '/') + " " + e.lastingAttributes()));
    }
    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "dave", "secret")) {
      Set<String> names = new TreeSet<>();
      client.list().forEach(e -> names.add(e.name().replace(e.separator(), '/') + " " + e.lastingAttributes()));
      assertEquals(legacyNames, names);
      assertEquals(List.of("Work"), client.lsub());
    }
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN dave secret");
      List<String> top = imap.command("LIST \"\" %");
      assertTrue(top.contains("* LIST (\\Noselect \\HasChildren) \".\" \"Projekte\""), top.toString());
      MailStore store = dovetail.store("dave");
      for (String folder : List.of("INBOX", "Work", "Projekte/Über", "Slow")) {
        assertEquals("pending", store.open(folder).dovetailState().get(STATE), folder);
        assertEquals(0, store.open(folder).status().messages(), folder);
      }
      // LIST-STATUS (RFC 5819) needs the listed folders' messages, as STATUS does: those folders migrate first.
      List<String> withStatus = imap.command("LIST \"\" Work RETURN (STATUS (MESSAGES))");
      assertTrue(RawImap.last(withStatus).contains(" OK "), withStatus.toString());
      assertTrue(withStatus.contains("* STATUS \"Work\" (MESSAGES 30)"), withStatus.toString());
      assertEquals("complete", store.open("Work").dovetailState().get(STATE));
      assertEquals("pending", store.open("INBOX").dovetailState().get(STATE), "a folder that was not listed waits");
      withStatus = imap.command("LIST \"\" Projekte RETURN (STATUS (MESSAGES))");
      assertTrue(RawImap.last(withStatus).contains(" OK "), withStatus.toString());
      assertTrue(withStatus.stream().noneMatch(l -> l.startsWith("* STATUS \"Projekte\" ")), "no STATUS for a \\Noselect");
    }
  }

  @Test
  void selectMigratesThatFolderWithTheLegacyUidsFlagsAndDatesAndLeavesTheOthersPending() throws Exception {
    ImapProbe.FolderState expected;
    try (ImapProbe p = ImapProbe.login(legacy, "alice")) {
      expected = p.examine("INBOX");
    }
    ImapProbe.FolderState got;
    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
      got = client.examine("INBOX");
    }
    assertEquals(expected.uidValidity(), got.uidValidity());
    assertEquals(expected.uidNext(), got.uidNext());
    assertEquals(describe(expected), describe(got));
    MailStore store = dovetail.store("alice");
    assertEquals("complete", store.open("INBOX").dovetailState().get(STATE));
    assertEquals("pending", store.open("Work").dovetailState().get(STATE));
    assertEquals("pending", store.open("Projekte/Über").dovetailState().get(STATE));
  }

  /**
   * The legacy server's \Recent is not migrated: a migrated folder holds no recent message (Dovecot's dsync leaves its
   * messages in cur/, which Dovecot does not count recent either); one that arrives afterwards is, as on Dovecot.
   */
  @Test
  void migratedMessagesAreNotRecentAndOneArrivingAfterwardsIs() throws Exception {
    try (RawImap a = RawImap.connect(dovetail.imapPort()); RawImap b = RawImap.connect(dovetail.imapPort())) {
      a.command("LOGIN frank secret");
      b.command("LOGIN frank secret");
      List<String> migrated = a.command("SELECT Work");
      assertTrue(migrated.contains("* 30 EXISTS") && migrated.contains("* 0 RECENT"), migrated.toString());
      assertTrue(RawImap.last(a.command("SELECT INBOX")).contains(" OK "));
      assertTrue(RawImap.last(b.append("Work", "()", message("frank", "after"))).contains(" OK "));
      List<String> status = b.command("STATUS Work (MESSAGES RECENT)");
      assertTrue(status.stream().anyMatch(l -> l.contains("(MESSAGES 31 RECENT 1)")), status.toString());
      List<String> again = a.command("SELECT Work");
      assertTrue(again.contains("* 31 EXISTS") && again.contains("* 1 RECENT"), again.toString());
    }
  }

  @Test
  void tenClientsSelectingOneUnmigratedFolderAtOnceAllSeeTheLegacyUids() throws Exception {
    ImapProbe.FolderState expected;
    try (ImapProbe p = ImapProbe.login(legacy, "carol")) {
      expected = p.examine("Work");
    }
    ExecutorService clients = Executors.newFixedThreadPool(10);
    try {
      List<Future<ImapProbe.FolderState>> seen = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        seen.add(clients.submit(() -> {
          try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "carol", "secret")) {
            return client.examine("Work");
          }
        }));
      }
      for (Future<ImapProbe.FolderState> f : seen) {
        ImapProbe.FolderState got = f.get(120, TimeUnit.SECONDS);
        assertEquals(expected.uidValidity(), got.uidValidity());
        assertEquals(describe(expected), describe(got));
      }
    } finally {
      clients.shutdownNow();
    }
    assertEquals(30, dovetail.store("carol").open("Work").messages().size(), "each message stored once");
  }

  @Test
  void aClientWaitingOnAMigrationHearsProgressLinesThenGetsTheFolder() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN alice secret")).contains(" OK "));
      imap.send("s1 SELECT Slow");
      List<String> lines = new ArrayList<>();
      String line;
      int progress = 0;
      while (!(line = imap.readResponse()).startsWith("s1 ")) {
        lines.add(line);
        if (line.startsWith("* OK Migrating Slow")) {
          progress++;
          if (progress == 2) {
            progressHeard.countDown(); // the migration may go on now
          }
        }
      }
      assertTrue(line.startsWith("s1 OK"), line + " after " + lines);
      assertTrue(progress >= 2, lines.toString());
      assertTrue(lines.contains("* 120 EXISTS"), lines.toString());
    }
  }

  @Test
  void aLegacyServerThatIsGoneGivesNoUnavailableAndTheFolderCompletesWhenItIsBack() throws Exception {
    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(imap.command("LOGIN bob secret")).contains(" OK "));
      imap.command("LIST \"\" *"); // the skeleton exists before the legacy server goes away
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
      List<String> refused;
      List<String> noop;
      List<String> fetch;
      try {
        forwarder.retarget(closedPort());
        forwarder.cutAll();
        refused = imap.command("SELECT \"Projekte.&ANw-ber\"");
        noop = imap.command("NOOP");
        fetch = imap.command("FETCH 1 FLAGS");
      } finally {
        forwarder.retarget(legacy.imapPort());
      }
      assertTrue(RawImap.last(refused).contains(" NO [UNAVAILABLE] "), refused.toString());
      // The reason is for the log: not the legacy host, nor the master user's name (walk-through 5, F12).
      assertTrue(RawImap.last(refused).contains("cannot be read from the legacy server now; try again later"),
          refused.toString());
      // Named as the client wrote it (walk-through 10, W3: it was "Projekte/?ber").
      assertTrue(RawImap.last(refused).contains("Folder Projekte.&ANw-ber cannot"), refused.toString());
      assertFalse(RawImap.last(refused).contains("127.0.0.1") || RawImap.last(refused).contains("master"),
          refused.toString());
      assertTrue(refused.contains("* OK [CLOSED] Previous mailbox closed."), "INBOX is left: " + refused);
      assertTrue(RawImap.last(noop).contains(" OK "), "the session goes on: " + noop);
      assertFalse(RawImap.last(fetch).contains(" OK "), "nothing is selected: " + fetch);
      String selected = RawImap.last(imap.command("SELECT \"Projekte.&ANw-ber\""));
      assertTrue(selected.contains(" OK "), selected);
    }
    try (ImapProbe p = ImapProbe.login(legacy, "bob");
        ImapProbe client = ImapProbe.login(dovetail.imapPort(), "bob", "secret")) {
      assertEquals(describe(p.examine("Projekte/Über")), describe(client.examine("Projekte.Über")));
    }
  }

  /**
   * The legacy server goes away in the middle of a folder's migration, while the same user works in another
   * folder: the waiting SELECT gets NO [UNAVAILABLE], the other folder stays usable, and a later SELECT completes
   * the folder with nothing lost, duplicated or renumbered.
   */
  @Test
  void aLegacyServerThatDiesMidMigrationGivesNoUnavailableAndALaterSelectCompletesWithoutLoss() throws Exception {
    try (RawImap waiting = RawImap.connect(dovetail.imapPort()); RawImap other = RawImap.connect(dovetail.imapPort())) {
      assertTrue(RawImap.last(waiting.command("LOGIN erin secret")).contains(" OK "));
      assertTrue(RawImap.last(other.command("LOGIN erin secret")).contains(" OK "));
      // INBOX is migrated first: the forwarder's byte budget below is shared by all connections, and Deep's
      // read-ahead may use it all before an INBOX migration started meanwhile gets its bytes.
      assertTrue(RawImap.last(other.command("SELECT INBOX")).contains(" OK "));
      forwarder.stallAfter(12 << 20); // about 60 of Deep's 100 messages can arrive before the cut
      waiting.send("d1 SELECT Deep");
      assertTrue(deepReached.await(60, TimeUnit.SECONDS), "the migration of Deep reached its 40th message");
      List<String> inbox = other.command("SELECT INBOX");
      assertTrue(RawImap.last(inbox).contains(" OK "), "another folder is usable meanwhile, while Deep's migration "
          + "waits on the legacy server: " + inbox);
      assertTrue(RawImap.last(other.command("FETCH 1:* (FLAGS)")).contains(" OK "));
      String line;
      try {
        forwarder.retarget(closedPort());
        forwarder.cutAll();
        deepRelease.countDown();
        while (!(line = waiting.readResponse()).startsWith("d1 ")) {
          // progress lines
        }
      } finally {
        forwarder.flowing();
        forwarder.retarget(legacy.imapPort());
      }
      assertTrue(line.contains(" NO [UNAVAILABLE] "), line);
      String selected = RawImap.last(waiting.command("SELECT Deep"));
      assertTrue(selected.contains(" OK "), selected);
    }
    try (ImapProbe p = ImapProbe.login(legacy, "erin");
        ImapProbe client = ImapProbe.login(dovetail.imapPort(), "erin", "secret")) {
      ImapProbe.FolderState expected = p.examine("Deep");
      ImapProbe.FolderState got = client.examine("Deep");
      assertEquals(expected.uidValidity(), got.uidValidity());
      assertEquals(expected.uidNext(), got.uidNext());
      assertEquals(describe(expected), describe(got));
    }
  }

  /**
   * A CONDSTORE client that cached the legacy folder (UIDVALIDITY, UIDs, HIGHESTMODSEQ) reconnects to Dovetail:
   * the UIDVALIDITY and every cached UID are still valid, so nothing is downloaded again, and HIGHESTMODSEQ is
   * above the legacy one, so the client resyncs flags instead of trusting its stale state.
   */
  @Test
  void aCondstoreClientThatCachedTheLegacyFolderKeepsItsUidsAndResyncsFlags() throws Exception {
    long legacyModSeq;
    List<String> legacyUids;
    String legacyValidity;
    try (RawImap l = RawImap.connect(legacy.imapPort())) {
      l.command("LOGIN frank secret");
      List<String> select = l.command("SELECT Work (CONDSTORE)");
      legacyModSeq = number(select, "HIGHESTMODSEQ");
      legacyValidity = Long.toString(number(select, "UIDVALIDITY"));
      legacyUids = searchLines(l.command("UID SEARCH ALL"));
    }
    try (RawImap d = RawImap.connect(dovetail.imapPort())) {
      d.command("LOGIN frank secret");
      List<String> select = d.command("SELECT Work (CONDSTORE)");
      assertTrue(RawImap.last(select).contains(" OK "), select.toString());
      assertEquals(legacyValidity, Long.toString(number(select, "UIDVALIDITY")));
      assertTrue(number(select, "HIGHESTMODSEQ") > legacyModSeq, select + " vs legacy " + legacyModSeq);
      assertEquals(legacyUids, searchLines(d.command("UID SEARCH ALL")), "every cached UID is still valid");
      List<String> changed = d.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + legacyModSeq + ")");
      assertEquals(30, changed.stream().filter(l -> l.contains(" FETCH (")).count(), changed.toString());
    }
  }

  private static List<String> searchLines(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("* SEARCH")).toList();
  }

  /** The number after {@code code} in a response code such as [HIGHESTMODSEQ 123]. */
  private static long number(List<String> lines, String code) {
    for (String l : lines) {
      int i = l.indexOf("[" + code + " ");
      if (i >= 0) {
        String rest = l.substring(i + code.length() + 2);
        return Long.parseLong(rest.substring(0, rest.indexOf(']')));
      }
    }
    throw new AssertionError("no " + code + " in " + lines);
  }

  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** UID, flags, INTERNALDATE, size and sha256 of every message, in UID order. */
  private static List<String> describe(ImapProbe.FolderState state) {
    return state.messages().stream()
        .map(m -> m.uid() + " " + new TreeSet<>(m.flags()) + " " + m.internalDate() + " " + m.size() + " " + m.sha256())
        .toList();
  }

  private static byte[] message(String user, String subject) {
    return ("From: legacy@example.org\r\nTo: " + user + "@example.org\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject.hashCode() + "." + user + "@example.org>\r\n\r\nbody of " + subject + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
