package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dovetail.proxy.pop3.Pop3FaultProxy.Fault;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A broken legacy POP3 server (real Dovecot behind a {@link Pop3FaultProxy}) met at a POP3 login that migrates
 * INBOX with UIDL matching: an answer that cannot be read is the legacy server's failure with its reason (POP3
 * {@code -ERR [SYS/TEMP]}, IMAP {@code NO [UNAVAILABLE]}, the reason in the folder's state for status), and a later
 * login resumes; a message without UIDL, a refused NOOP and a UIDL shared by two messages are migrated, with a
 * warning where the server broke RFC 1939. Before, each of the first three failed with an unchecked exception and
 * a bare -ERR. A server that lists UTF8 (RFC 6856) gets it, so that Courier's raw UTF-8 headers match (before:
 * -ERR [SYS/TEMP], INBOX failed); one that refuses it is migrated from as before, with one warning.
 */
class Pop3LegacyFaultsDovecotIT {
  private static final String PASSWORD = "secret";
  private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina");
  /** Their message 3 has a raw UTF-8 Subject (as SMTPUTF8 mail, or an APPEND with UTF8=ACCEPT). */
  private static final List<String> UTF8_HEADER_USERS = List.of("erin", "frank", "gina");

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static Pop3FaultProxy proxy;
  private static TestDovetail dovetail;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    DovecotServer.Builder b = DovecotServer.builder(legacyDir).masterUser("master", "master-secret")
        .autoCreateSpecialUse(false);
    TestDovetail.Builder d = TestDovetail.builder(dir.resolve("dovetail"));
    for (String user : USERS) {
      Mailbox inbox = MaildirStore.open(DovecotServer.maildir(legacyDir, user), StoreOptions.DEFAULT)
          .create("INBOX", 4711, 1);
      for (int uid = 1; uid <= 4; uid++) {
        MessageMeta meta = MessageMeta.withUid(uid, Instant.parse("2021-06-07T08:09:10Z"), Flags.NONE)
            .withPop3("legacy-" + uid, 0);
        String subject = uid == 3 && UTF8_HEADER_USERS.contains(user) ? "Grüße aus Köln" : Integer.toString(uid);
        inbox.append(meta, new ByteArrayInputStream(("Subject: " + subject + "\r\n\r\n" + "x".repeat(10 * uid)
            + "\r\n").getBytes(StandardCharsets.UTF_8)));
      }
      b.user(user, PASSWORD);
      d.user(user, "{PLAIN}" + PASSWORD);
    }
    legacy = b.start();
    proxy = new Pop3FaultProxy(legacy.pop3Port());
    dovetail = Pop3LegacyDovecotIT.migratingFrom(d, legacy.imapPort(), proxy.port())
        .setting("sweeper = no").setting("mail_fsync = never").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  private void capture() {
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterEach
  void release() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    proxy.fault(Fault.NONE);
  }

  private boolean warned(String text) {
    synchronized (log) {
      return log.list.stream().anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
          && e.getFormattedMessage().contains(text));
    }
  }

  private static String login(String user) throws Exception {
    try (RawPop3 pop = RawPop3.connect(dovetail.pop3Port())) {
      pop.command("USER " + user);
      return pop.command("PASS " + PASSWORD);
    }
  }

  private static List<String> storedUidls(String user) {
    return dovetail.store(user).open("INBOX").messages().stream().map(StoredMessage::pop3Uidl).toList();
  }

  @Test
  void anUnreadableUidlAnswerIsTheLegacyServersFailureWithItsReasonAndALaterLoginResumes() throws Exception {
    proxy.fault(Fault.UIDL_MISSING_UNREADABLE);
    String refused = login("alice");
    assertTrue(refused.startsWith("-ERR [SYS/TEMP] "), refused);
    String reason = dovetail.store("alice").open("INBOX").dovetailState().get("migration.error");
    assertTrue(reason != null && reason.contains("message 3 is missing from the UIDL list, and UIDL 3: the server's"
        + " answer cannot be read (NullPointerException: "), String.valueOf(reason));
    assertFalse(reason.contains("LegacyException"), "said once: " + reason);
    try (ImapProbe imap = ImapProbe.login(dovetail.imapPort(), "alice", PASSWORD)) {
      IllegalStateException selected = assertThrows(IllegalStateException.class,
          () -> imap.command(null, "SELECT INBOX"), "ImapProbe throws on NO");
      assertTrue(selected.getMessage().contains("NO [UNAVAILABLE]"), selected.getMessage());
    }

    proxy.fault(Fault.NONE);
    String resumed = login("alice");
    assertTrue(resumed.startsWith("+OK"), resumed);
    assertEquals(List.of("legacy-1", "legacy-2", "legacy-3", "legacy-4"), storedUidls("alice"));
  }

  @Test
  void aMessageMissingFromTheUidlListKeepsNoLegacyUidlWithAWarning() throws Exception {
    capture();
    proxy.fault(Fault.UIDL_MISSING);
    String answer = login("bob");
    assertTrue(answer.startsWith("+OK"), answer);
    List<String> uidls = storedUidls("bob");
    assertEquals(List.of("legacy-1", "legacy-2", "legacy-4"), List.of(uidls.get(0), uidls.get(1), uidls.get(3)));
    assertNull(uidls.get(2), "served under pop3_uidl_format, as an IMAP message without a POP3 twin");
    assertTrue(warned("1 of 4 messages have no UIDL (a broken server; messages [3])"), () -> log.list.toString());
  }

  @Test
  void aServerThatRefusesNoopIsMigratedFrom() throws Exception {
    proxy.fault(Fault.NOOP_REFUSED);
    String answer = login("carol");
    assertTrue(answer.startsWith("+OK"), answer);
    assertEquals(List.of("legacy-1", "legacy-2", "legacy-3", "legacy-4"), storedUidls("carol"));
  }

  @Test
  void aUidlSharedByTwoMessagesIsCopiedAsTheServerSaysWithAWarning() throws Exception {
    capture();
    proxy.fault(Fault.UIDL_SHARED);
    String answer = login("dave");
    assertTrue(answer.startsWith("+OK"), answer);
    assertEquals(List.of("legacy-1", "legacy-2", "legacy-2", "legacy-4"), storedUidls("dave"));
    assertTrue(warned("the legacy POP3 server gives 2 messages the same UIDL legacy-2 (messages [2, 3])"),
        () -> log.list.toString());
    assertEquals(List.of("legacy-1", "legacy-2", "legacy-3", "legacy-4"), Pop3Probe.uidls(legacy, "dave"),
        "the fault is the proxy's");
  }

  @Test
  void aServerThatServesRawUtf8HeadersOnlyAfterUtf8IsSentUtf8AndMatched() throws Exception {
    proxy.fault(Fault.UTF8_AS_COURIER);
    int before = proxy.utf8Commands();
    String answer = login("erin");
    assertTrue(answer.startsWith("+OK"), answer);
    assertEquals(List.of("legacy-1", "legacy-2", "legacy-3", "legacy-4"), storedUidls("erin"));
    assertEquals(before + 1, proxy.utf8Commands());
  }

  @Test
  void aServerThatListsUtf8AndRefusesItIsMigratedFromAsBeforeSaidOnce() throws Exception {
    capture();
    proxy.fault(Fault.UTF8_REFUSED);
    for (String user : List.of("frank", "gina")) {
      String answer = login(user);
      assertTrue(answer.startsWith("+OK"), answer);
      assertEquals(List.of("legacy-1", "legacy-2", "legacy-3", "legacy-4"), storedUidls(user));
    }
    synchronized (log) {
      assertEquals(1, log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
          && e.getFormattedMessage().contains("lists UTF8 (RFC 6856), but UTF8 was not enabled (it answered -ERR"))
          .count(), () -> log.list.toString());
    }
  }
}
