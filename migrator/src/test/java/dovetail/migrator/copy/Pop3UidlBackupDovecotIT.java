package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.Pop3Probe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pop3c_* with pop3_migration_mailbox: after {@code backup}, the store holds every legacy POP3 UIDL (P) and
 * position (O), so Dovecot serving the migrated store lists the same UIDLs in the same order; a POP3 message
 * with no IMAP twin stops INBOX unless pop3_migration_ignore_missing_uidls says otherwise.
 */
class Pop3UidlBackupDovecotIT {
  @TempDir Path work;

  private static void add(Mailbox box, long uid, String subject, String body, String uidl, long order) {
    MessageMeta meta = MessageMeta.withUid(uid, Instant.parse("2021-06-07T08:09:10Z"), Flags.NONE).withPop3(uidl, order);
    box.append(meta, new ByteArrayInputStream(("Subject: " + subject + "\r\n\r\n" + body + "\r\n")
        .getBytes(StandardCharsets.US_ASCII)));
  }

  /** A legacy INBOX: POP3 order unlike UID order, equal sizes, stored UIDLs and one formatted from the UID. */
  private static void corpus(Path maildir, boolean extraPop3Message) {
    Mailbox inbox = MaildirStore.open(maildir, StoreOptions.DEFAULT).create("INBOX", 4711, 1);
    add(inbox, 3, "three", "short", "UIDL-three", 2);
    add(inbox, 8, "eight", "a longer body here", null, 1);
    add(inbox, 20, "same-a", "equal", "uidl-a", 3);
    add(inbox, 21, "same-b", "equal", "uidl-b", 4);
    if (extraPop3Message) {
      add(inbox, 30, "only in POP3", "x", "uidl-extra", 5);
    }
    inbox.raiseNextUid(40);
  }

  private Path conf(Path dir, int imapPort, int pop3Port, String... extra) {
    String[] lines = new String[extra.length + 5];
    lines[0] = "pop3c_host = 127.0.0.1";
    lines[1] = "pop3c_port = " + pop3Port;
    lines[2] = "pop3c_master_user = " + DovecotLegacy.MASTER;
    lines[3] = "pop3c_password = " + DovecotLegacy.MASTER_PASSWORD;
    lines[4] = "plugin {\n  pop3_migration_mailbox = POP3-MIGRATION-NS/INBOX\n}";
    System.arraycopy(extra, 0, lines, 5, extra.length);
    return DovecotLegacy.conf(dir.resolve("dovetail.conf"), imapPort, DovecotLegacy.mailLocation(dir.resolve("store")), lines);
  }

  private static UserResult backup(Path conf) {
    return Backup.of(ConfigLoader.load(conf, List.of()), DovecotLegacy.USER, false, new ConnectionLimiter(2),
        Clock.systemUTC()).run(List.of("INBOX"), MigrationListener.NONE);
  }

  @Test
  void everyLegacyUidlAndPositionIsKeptAndDovecotServesThemUnchanged() {
    try (DovecotServer legacy = DovecotLegacy.start(work.resolve("legacy"), root -> corpus(root, false), "")) {
      UserResult result = backup(conf(work, legacy.imapPort(), legacy.pop3Port()));
      assertTrue(result.complete(), result.toString());
      List<String> legacyUidls = Pop3Probe.uidls(legacy, DovecotLegacy.USER);
      assertEquals(List.of("0000000800001267", "UIDL-three", "uidl-a", "uidl-b"), legacyUidls);

      MailStore store = MaildirStore.open(work.resolve("store/home/alice/Maildir"), StoreOptions.DEFAULT);
      List<StoredMessage> migrated = store.open("INBOX").messages();
      assertEquals(List.of("UIDL-three", "0000000800001267", "uidl-a", "uidl-b"),
          migrated.stream().map(StoredMessage::pop3Uidl).toList());
      assertEquals(List.of(2L, 1L, 3L, 4L), migrated.stream().map(StoredMessage::pop3Order).toList());
      try (DovecotServer judge = DovecotLegacy.judge(work.resolve("store"))) {
        assertEquals(legacyUidls, Pop3Probe.uidls(judge, DovecotLegacy.USER), "UIDL line for line, in order");
        assertEquals(List.of(), judge.logProblems());
      }
    }
  }

  @Test
  void aPop3MessageWithoutImapTwinStopsInboxUnlessIgnored() {
    try (DovecotServer imapSide = DovecotLegacy.start(work.resolve("imap-side"), root -> corpus(root, false), "");
        DovecotServer pop3Side = DovecotLegacy.start(work.resolve("pop3-side"), root -> corpus(root, true), "")) {
      UserResult refused = backup(conf(work.resolve("a"), imapSide.imapPort(), pop3Side.pop3Port()));
      assertFalse(refused.complete(), refused.toString());
      assertTrue(refused.toString().contains("1 POP3 messages have no IMAP message in INBOX (first: POP3 message 5, "
          + "UIDL uidl-extra); set pop3_migration_ignore_missing_uidls = yes"), refused.toString());
      assertEquals(0, MaildirStore.open(work.resolve("a/store/home/alice/Maildir"), StoreOptions.DEFAULT)
          .open("INBOX").messages().size(), "nothing was copied without UIDLs");

      assertTrue(refused.toString().contains(" or pop3_migration_ignore_extra_uidls = yes"), refused.toString());

      UserResult allowed = backup(conf(work.resolve("b"), imapSide.imapPort(), pop3Side.pop3Port(),
          "pop3_migration_ignore_missing_uidls = yes"));
      assertTrue(allowed.complete(), allowed.toString());
      // Every IMAP message found and POP3 merely has more: Dovecot's ignore_extra_uidls is enough too.
      UserResult extra = backup(conf(work.resolve("c"), imapSide.imapPort(), pop3Side.pop3Port(),
          "pop3_migration_ignore_extra_uidls = yes"));
      assertTrue(extra.complete(), extra.toString());
    }
  }

  @Test
  void anImapMessageWithoutPop3TwinIsMigratedWithoutALegacyUidlAsDovecotDoes() {
    try (DovecotServer imapSide = DovecotLegacy.start(work.resolve("imap-side"), root -> corpus(root, true), "");
        DovecotServer pop3Side = DovecotLegacy.start(work.resolve("pop3-side"), root -> corpus(root, false), "")) {
      UserResult result = backup(conf(work.resolve("a"), imapSide.imapPort(), pop3Side.pop3Port()));
      assertTrue(result.complete(), result.toString());
      Mailbox inbox = MaildirStore.open(work.resolve("a/store/home/alice/Maildir"), StoreOptions.DEFAULT).open("INBOX");
      assertEquals(5, inbox.messages().size());
      dovetail.store.StoredMessage only = inbox.messages().stream().filter(m -> m.uid() == 30).findFirst().orElseThrow();
      assertEquals(null, only.pop3Uidl(), "no legacy UIDL for a message POP3 never showed");
      assertEquals("uidl-a", inbox.messages().stream().filter(m -> m.uid() == 20).findFirst().orElseThrow().pop3Uidl());
    }
  }
}
