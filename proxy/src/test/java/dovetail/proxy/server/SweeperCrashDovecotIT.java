package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dovetail.proxy.cli.CliRun;
import dovetail.proxy.admin.AdminClient;
import dovetail.proxy.admin.AdminException;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5: "kill -9 in the middle, restart: it completes with no duplicate, no gap, and no UID change". Real
 * Dovecot 2.3 is the legacy server (master user, four users, four folders each, a few hundred messages per
 * folder). {@code dovetail serve} runs in a child JVM with the sweeper on; it is killed with SIGKILL four times at
 * growing points of the sweep (each time while a folder is being copied), then runs to the end. Then every user is
 * complete, {@code dovetail verify} passes for every user, and both Dovetail's IMAP listener and a stock Dovecot
 * opened on the store show exactly the legacy UIDVALIDITY, UIDs, UIDNEXT, flags, INTERNALDATE and bytes.
 */
class SweeperCrashDovecotIT {
  private static final List<String> USERS = List.of("alice", "bob", "carol", "dave");
  /** Where the sweep is when a run is killed: messages stored, as a fraction of all (0 = in the first folder). */
  private static final double[] KILL_POINTS = {0, 0.3, 0.55, 0.8};
  private static final long WAIT_SECONDS = 240;

  @TempDir Path dir;

  @Test
  void killedFourTimesMidSweepItCompletesEveryUserWithNoDuplicateGapOrUidChange() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    int total = 0;
    for (int i = 0; i < USERS.size(); i++) {
      total += LegacyMailboxes.write(DovecotServer.maildir(legacyDir, USERS.get(i)), LegacyMailboxes.counts(
          "INBOX", 300 + 20 * i, "Sent", 180, "Archive/2024", 250 - 30 * i, "Listen/Über", 120 + 40 * i), i + 1);
    }
    DovecotServer.Builder builder = DovecotServer.builder(legacyDir).masterUser("master", "master-secret")
        .autoCreateSpecialUse(false);
    USERS.forEach(u -> builder.user(u, u + "-pw"));
    try (DovecotServer legacy = builder.start()) {
      // A rate limit keeps each run long enough to be killed mid-folder at the point chosen; the last run has none.
      Path conf = config(legacy.imapPort(), "sweeper_rate = 400");
      List<String> kills = new ArrayList<>();
      for (double point : KILL_POINTS) {
        try (ServeChild child = ServeChild.start(conf)) {
          JsonNode seen = awaitMidSweep(child, (long) (point * total), total);
          child.kill();
          kills.add(seen.path("total").path("messages_done").asLong() + "/" + total);
        }
      }
      config(legacy.imapPort(), "sweeper_rate = 0");
      try (ServeChild child = ServeChild.start(conf)) {
        awaitComplete(child, total, kills);
        CliRun status = CliRun.of("status", "-c", conf.toString(), "--json");
        assertEquals(0, status.exit(), status.err());
        JsonNode doc = new ObjectMapper().readTree(status.out());
        for (JsonNode user : doc.path("users")) {
          assertTrue(user.path("complete").asBoolean(), user.toString());
        }
        assertEquals(USERS.size(), doc.path("total").path("users_complete").asInt(), status.out());
        assertEquals(total, doc.path("total").path("messages_done").asLong(), "messages stored, once each");
        assertEquals(total, doc.path("total").path("messages_total").asLong(), "messages the legacy folders held");
        assertEquals(0, doc.path("total").path("failed").asInt(), status.out());
        assertEquals(0, doc.path("total").path("skipped").asInt(), status.out());
        for (String user : USERS) {
          CliRun verify = CliRun.of("verify", "-c", conf.toString(), "-u", user);
          assertEquals(0, verify.exit(), user + " (killed at " + kills + "):\n" + verify.out() + verify.err());
          assertTrue(verify.out().contains(" 0 differences"), verify.out());
        }
        assertEquals(143, child.stop(), child.tail(40));
        assertTrue(child.lines().stream().noneMatch(l -> l.contains("-pw") || l.contains("master-secret")),
            "no password in the log");
      }

      // Stock Dovecot on the store: a message file left behind by a killed batch would show up here with a new UID.
      DovecotServer.Builder judgeBuilder = DovecotServer.builder(dir.resolve("store")).autoCreateSpecialUse(false);
      USERS.forEach(u -> judgeBuilder.user(u, "judge-pw"));
      try (DovecotServer judge = judgeBuilder.start()) {
        int compared = 0;
        for (String user : USERS) {
          try (ImapProbe old = ImapProbe.login(legacy, user); ImapProbe now = ImapProbe.login(judge, user)) {
            compared += LegacyMailboxes.assertSameMail(old, now, "Dovecot judge, " + user + " (killed at " + kills + ")");
          }
        }
        assertEquals(total, compared);
        assertEquals(List.of(), judge.logProblems(), "Dovecot read the store without repairing anything");
      }

      // Last, what a client of Dovetail sees. Last because Jakarta Mail ends an EXAMINE with CLOSE, and Dovetail
      // wrongly expunges then (CloseAfterExamineIT): the comparison of each folder is made before its CLOSE.
      try (ServeChild child = ServeChild.start(conf)) {
        int imapPort = child.awaitImapPort(60);
        int compared = 0;
        for (String user : USERS) {
          try (ImapProbe old = ImapProbe.login(legacy, user);
              ImapProbe now = ImapProbe.login(imapPort, user, user + "-pw")) {
            compared += LegacyMailboxes.assertSameMail(old, now, "Dovetail, " + user + " (killed at " + kills + ")");
          }
        }
        assertEquals(total, compared);
        assertEquals(143, child.stop(), child.tail(40));
      }
    }
  }

  /** The server's settings, written to dovetail.conf (the store lies where a Dovecot judge finds it later). */
  private Path config(int legacyPort, String rate) throws Exception {
    Path users = Files.writeString(dir.resolve("users.txt"), "# the sweeper's users\n" + String.join("\n", USERS) + "\n");
    return Files.writeString(dir.resolve("dovetail.conf"), String.join("\n",
        "imap_listen = 127.0.0.1:0", "pop3_listen =", "lmtp_listen =",
        "passdb = legacy",
        "imapc_host = 127.0.0.1",
        "imapc_port = " + legacyPort,
        "imapc_master_user = master",
        "imapc_password = master-secret",
        "imapc_features = rfc822.size",
        "mail_location = maildir:" + dir.resolve("store") + "/home/%n/Maildir",
        "admin_socket = " + dir.resolve("admin.sock"),
        "sweeper = yes",
        "sweeper_users = " + users,
        "sweeper_concurrency = 2",
        // Small commits, so that most kills land between two commits of a folder.
        "dsync_commit_msgs_interval = 20",
        rate) + "\n");
  }

  /**
   * Polls {@code status} until at least {@code atLeast} messages are stored, not all, and a folder is being copied.
   */
  private JsonNode awaitMidSweep(ServeChild child, long atLeast, long total) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> doc = status(child);
      if (doc.isPresent()) {
        last = doc.get();
        long done = last.path("total").path("messages_done").asLong();
        assertTrue(done < total, "the sweep ended before the kill point " + atLeast + "/" + total + ":\n" + last);
        if (done >= atLeast && last.path("total").path("migrating").asInt() > 0) {
          return last;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the sweep did not reach " + atLeast + "/" + total + " messages within " + WAIT_SECONDS
        + " s; last status " + last + "\n" + child.tail(40));
  }

  private void awaitComplete(ServeChild child, long total, List<String> kills) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> doc = status(child);
      if (doc.isPresent()) {
        last = doc.get();
        if (last.path("total").path("users_complete").asInt() == USERS.size()) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the sweep did not complete within " + WAIT_SECONDS + " s after kills at " + kills
        + " (" + total + " messages); last status " + last + "\n" + child.tail(60));
  }

  /** The status document, or empty while the server is not answering yet. */
  private Optional<JsonNode> status(ServeChild child) {
    assertTrue(child.isAlive(), () -> "serve died:\n" + child.tail(60));
    try {
      return Optional.of(new AdminClient(dir.resolve("admin.sock")).status(Optional.empty()));
    } catch (AdminException e) {
      return Optional.empty(); // not listening yet (a killed server's socket file may still be there)
    }
  }

}
