package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POP3 USER/PASS with a non-ASCII password in UTF-8, with {@code passdb = legacy} and no master user, so that the
 * same password also logs Dovetail in to the legacy POP3 server (real Dovecot 2.3) to read INBOX's UIDLs. Dovecot
 * takes the password's UTF-8 bytes; Dovetail must send those bytes on both legs.
 */
class Pop3Utf8PasswordDovecotIT {
  private static final String PASSWORD = "Grüße-pä€";

  @TempDir static Path dir;
  private static DovecotServer legacy;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    Mailbox inbox = MaildirStore.open(DovecotServer.maildir(legacyDir, "erin"), StoreOptions.DEFAULT)
        .create("INBOX", 4711, 1);
    for (int uid = 1; uid <= 2; uid++) {
      inbox.append(MessageMeta.withUid(uid, Instant.parse("2021-06-07T08:09:10Z"), Flags.NONE).withPop3("legacy-" + uid,
          0), new ByteArrayInputStream(("Subject: " + uid + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    legacy = DovecotServer.builder(legacyDir).user("erin", PASSWORD).autoCreateSpecialUse(false).start();
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).legacyPassdb(legacy.imapPort())
        .setting("imapc_features = rfc822.size")
        .setting("pop3c_host = 127.0.0.1").setting("pop3c_port = " + legacy.pop3Port())
        .setting("plugin {\n  pop3_migration_mailbox = INBOX\n}")
        .setting("sweeper = no").setting("mail_fsync = never").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void aUtf8PasswordLogsInAndTheLegacyUidlsAreKept() throws Exception {
    for (int port : List.of(legacy.pop3Port(), dovetail.pop3Port())) {
      try (RawPop3 pop = RawPop3.connect(port)) {
        assertTrue(pop.command("USER erin").startsWith("+OK"));
        String answer = pop.command("PASS " + PASSWORD);
        assertTrue(answer.startsWith("+OK"), port + ": " + answer);
        assertEquals(List.of("+OK", "1 legacy-1", "2 legacy-2"),
            pop.multiline("UIDL").stream().map(l -> l.startsWith("+OK") ? "+OK" : l).toList(), "port " + port);
      }
    }
    assertEquals(List.of("legacy-1", "legacy-2"),
        dovetail.store("erin").open("INBOX").messages().stream().map(StoredMessage::pop3Uidl).toList());
  }
}
