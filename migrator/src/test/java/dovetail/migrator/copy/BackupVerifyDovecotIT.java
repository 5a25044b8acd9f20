package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.migrator.verify.Difference;
import dovetail.migrator.verify.Difference.Kind;
import dovetail.migrator.verify.UserVerifier;
import dovetail.migrator.verify.VerifyReport;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify} after {@code backup}: clean at first, then it names every change made on either side. */
class BackupVerifyDovecotIT {
  @TempDir static Path shared;
  private static DovecotServer legacy;

  @BeforeAll
  static void startLegacy() {
    legacy = DovecotLegacy.start(shared.resolve("legacy"), root -> LegacyCorpus.write(root, 1 << 16), "");
  }

  @AfterAll
  static void stopLegacy() {
    if (legacy != null) {
      legacy.close();
    }
  }

  @Test
  void verifyIsCleanAfterBackupAndNamesEachLaterDifference(@TempDir Path tmp) {
    Path storeDir = tmp.resolve("store");
    Settings settings = ConfigLoader.load(
        DovecotLegacy.conf(tmp.resolve("dovetail.conf"), legacy.imapPort(), DovecotLegacy.mailLocation(storeDir)), List.of());
    UserResult result = Backup.of(settings, DovecotLegacy.USER, false, new ConnectionLimiter(2), Clock.systemUTC())
        .run(List.of(), MigrationListener.NONE);
    assertTrue(result.complete(), result.toString());

    VerifyReport clean = UserVerifier.of(settings, DovecotLegacy.USER).verify(DovecotLegacy.USER);
    assertEquals(List.of(), clean.differences());
    assertEquals(LegacyCorpus.FOLDERS.size(), clean.folders());
    assertEquals(result.messages(), clean.compared(), "every migrated message was compared byte for byte");

    MailStore store = MaildirStore.open(storeDir.resolve("home/alice/Maildir"), StoreOptions.DEFAULT);
    Mailbox inbox = store.open("INBOX");
    StoredMessage first = inbox.messages().get(0);
    StoredMessage second = inbox.messages().get(1);
    EnumSet<SystemFlag> flipped = EnumSet.noneOf(SystemFlag.class);
    flipped.addAll(first.flags().system());
    if (!flipped.remove(SystemFlag.FLAGGED)) {
      flipped.add(SystemFlag.FLAGGED);
    }
    inbox.setFlags(first.uid(), new Flags(flipped, first.flags().keywords()));
    inbox.expunge(List.of(second.uid()));
    inbox.append(MessageMeta.next(Instant.now(), Flags.NONE),
        new ByteArrayInputStream("Subject: delivered here\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    long late;
    try (ImapProbe probe = ImapProbe.login(legacy, DovecotLegacy.USER)) {
      late = probe.append("INBOX", "Subject: late\r\n\r\nlate\r\n".getBytes(StandardCharsets.US_ASCII), Set.of(),
          Instant.now()).uid();
    }

    VerifyReport after = UserVerifier.of(settings, DovecotLegacy.USER).verify(DovecotLegacy.USER);
    assertEquals(List.of(Kind.FLAGS, Kind.MISSING_IN_STORE, Kind.LATE_ON_LEGACY),
        after.differences().stream().map(Difference::kind).toList(), after.differences().toString());
    assertEquals(List.of(first.uid(), second.uid(), late),
        after.differences().stream().map(Difference::uid).toList());
    assertEquals(1, after.localOnly());
  }
}
