package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.copy.LateMailMerge;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.copy.Pop3Uidls;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `backup` then `verify` as an operator types them, against real Dovecot as the legacy server. */
class VerifyCommandDovecotIT {
  @TempDir Path dir;

  @Test
  void verifyPassesAfterBackupAndFailsWithTheDifferenceAfterALocalChange() throws IOException {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    Mailbox legacyInbox = MaildirStore.open(DovecotServer.maildir(legacyDir, "alice"), StoreOptions.DEFAULT)
        .create("INBOX", 777, 1);
    for (long uid : new long[] {3, 8, 9}) {
      legacyInbox.append(MessageMeta.withUid(uid, Instant.parse("2020-05-06T07:08:09Z"), Flags.of(SystemFlag.SEEN)),
          new ByteArrayInputStream(("Subject: m" + uid + "\r\n\r\nbody " + uid + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    try (DovecotServer legacy = DovecotServer.builder(legacyDir).user("alice", "alice-pw").masterUser("master", "m-pw")
        .noSpecialUse().start()) {
      Path conf = writeConfig(legacy);
      CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "alice");
      assertEquals(0, backup.exit(), backup.out() + backup.err());

      CliRun same = CliRun.of("verify", "-c", conf.toString(), "-u", "alice");
      assertEquals(0, same.exit(), same.out() + same.err());
      assertTrue(same.out().contains("alice: 1 folders, 3 messages compared, 0 new in the store since migration, 0 differences"),
          same.out());

      MailStore store = MaildirStore.open(dir.resolve("store/alice/Maildir"), StoreOptions.DEFAULT);
      store.open("INBOX").setFlags(8, Flags.of(SystemFlag.SEEN, SystemFlag.FLAGGED).withKeywords("$Important"));
      CliRun different = CliRun.of("verify", "-c", conf.toString(), "-u", "alice");
      assertEquals(1, different.exit(), different.out() + different.err());
      // Keywords as the store spells them (walk-through 5: verify printed them lower-cased).
      assertTrue(different.out().contains("INBOX UID 8: flags: legacy [\\Seen], store [$Important, \\Flagged, \\Seen]"),
          different.out());
    }
    CliRun down = CliRun.of("verify", "-c", dir.resolve("dovetail.conf").toString(), "-u", "alice");
    assertEquals(2, down.exit(), down.out() + down.err());
    assertTrue(down.err().startsWith("dovetail verify: alice: "), down.err());
    // A name with no store (a typo) is refused before anything is opened: no store is made for it (walk-through 5,
    // F16: the empty store it left made serve take the typo for a user and try it every sweeper round).
    CliRun typo = CliRun.of("verify", "-c", dir.resolve("dovetail.conf").toString(), "-u", "nosuch");
    assertEquals(2, typo.exit(), typo.out() + typo.err());
    assertTrue(typo.err().startsWith("dovetail verify: nosuch: no store at "), typo.err()); // the name once
    assertFalse(Files.exists(dir.resolve("store/nosuch")), "no store made for the typo");
  }
  /**
   * The runbook's verify after a correct late-mail renumbering (a local delivery held the UID a late legacy message
   * came with, so both were renumbered): exit 0, with where each message went; it exited 1 with "1 differences".
   */
  @Test
  void verifyPassesAfterALateMessageAndADeliveryWereRenumberedByDesign() throws IOException {
    DovecotServer.assumeInstalled();
    Path legacyDir = dir.resolve("legacy");
    Mailbox legacyInbox = MaildirStore.open(DovecotServer.maildir(legacyDir, "alice"), StoreOptions.DEFAULT)
        .create("INBOX", 778, 1);
    for (long uid = 1; uid <= 3; uid++) {
      legacyInbox.append(MessageMeta.withUid(uid, Instant.parse("2020-05-06T07:08:09Z"), Flags.of(SystemFlag.SEEN)),
          new ByteArrayInputStream(("Subject: m" + uid + "\r\n\r\nbody " + uid + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }
    try (DovecotServer legacy = DovecotServer.builder(legacyDir).user("alice", "alice-pw").masterUser("master", "m-pw")
        .noSpecialUse().start()) {
      Path conf = writeConfig(legacy);
      CliRun backup = CliRun.of("backup", "-c", conf.toString(), "-u", "alice");
      assertEquals(0, backup.exit(), backup.out() + backup.err());

      Mailbox inbox = MaildirStore.open(dir.resolve("store/alice/Maildir"), StoreOptions.DEFAULT).open("INBOX");
      long delivered = inbox.append(MessageMeta.next(Instant.parse("2024-06-01T08:00:00Z"), Flags.NONE),
          new ByteArrayInputStream("Subject: delivered here\r\n\r\nlocal\r\n".getBytes(StandardCharsets.US_ASCII))).uid();
      long late;
      try (ImapProbe imap = ImapProbe.login(legacy, "alice")) {
        late = imap.append("INBOX", "Subject: late\r\n\r\non legacy\r\n".getBytes(StandardCharsets.US_ASCII), List.of(),
            null).uid();
      }
      assertEquals(delivered, late, "the test needs both servers to hand out the same UID");
      Settings settings = ConfigLoader.load(conf, List.of());
      try (LegacyImapSession session = LegacyImapSource.create(LegacyEndpoints.imap(settings, "alice"),
          LegacyEndpoints.fetchLimits(settings)).open("alice")) {
        LateMailMerge.Result merged = new LateMailMerge(inbox, Pop3Uidls.NONE,
            dovetail.store.UidlFormat.parse(dovetail.store.UidlFormat.DOVECOT_DEFAULT), Clock.systemUTC()).run(session);
        assertEquals(1, merged.renumbered(), merged.toString());
      }

      CliRun verify = CliRun.of("verify", "-c", conf.toString(), "-u", "alice");
      assertEquals(0, verify.exit(), verify.out() + verify.err());
      assertTrue(verify.out().contains("INBOX UID " + late + ": renumbered: arrived on the legacy server after the "
          + "migration and was merged as UID "), verify.out());
      assertTrue(verify.out().contains("alice: 1 folders, 4 messages compared, 1 new in the store since migration, "
          + "1 under new UIDs by design (not differences), 0 differences"), verify.out());
    }
  }

  /** Dovetail's configuration for the legacy Dovecot, with the store under {@code dir}. */
  private Path writeConfig(DovecotServer legacy) throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imapc_host = 127.0.0.1\nimapc_port = " + legacy.imapPort() + "\n"
        + "imapc_master_user = master\nimapc_password = m-pw\nimapc_features = rfc822.size\n"
        + "mail_location = maildir:" + dir + "/store/%n/Maildir\nmail_fsync = never\n");
    return conf;
  }
}
