package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.store.dovecot.DovecotServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source contract against real Dovecot 2.3 (skipped when Dovecot is not installed), plus what only
 * Dovecot offers here: master users both ways, SPECIAL-USE, CONDSTORE, and a Courier-style
 * {@code INBOX.} namespace.
 */
class DovecotLegacyImapSourceIT extends LegacyImapSourceContract {
  @TempDir
  Path tmp;

  @Override
  protected LegacyServerFixture startServer() {
    DovecotServer.assumeInstalled();
    return DovecotFixture.start(tmp.resolve("dovecot"));
  }

  private LegacyImapSession openAsMaster(MasterLoginStyle style, String masterPassword) {
    LegacyImapEndpoint endpoint = server.endpoint().masterUser(DovecotFixture.MASTER, style)
        .password(masterPassword).build();
    return LegacyImapSource.create(endpoint, FetchLimits.defaults()).open(server.user());
  }

  @Test
  void aMasterUserLogsInAsTheUserWithDovecotsSeparator() {
    long uid = raw.append("INBOX", "\\Seen", null, Corpus.CLEAN);
    try (LegacyImapSession session = openAsMaster(MasterLoginStyle.SEPARATOR, DovecotFixture.MASTER_PASSWORD)) {
      Collected got = new Collected();
      session.fetchBodies("INBOX", List.of(uid), got);
      assertArrayEquals(Corpus.CLEAN, got.bodies.get(uid));
    }
  }

  @Test
  void aMasterUserLogsInAsTheUserWithSaslPlainAndAnAuthorizationId() {
    long uid = raw.append("INBOX", "", null, Corpus.BARE_LF);
    try (LegacyImapSession session = openAsMaster(MasterLoginStyle.SASL, DovecotFixture.MASTER_PASSWORD)) {
      assertEquals(List.of(uid), session.fetchMetadata("INBOX", 1).stream().map(LegacyMessageInfo::uid).toList());
    }
  }

  @Test
  void aWrongMasterPasswordIsAuthFailedBothWays() {
    for (MasterLoginStyle style : MasterLoginStyle.values()) {
      LegacyException e = assertThrows(LegacyException.class, () -> openAsMaster(style, "wrong-master-pw"));
      assertEquals(Kind.AUTH_FAILED, e.kind(), style::toString);
      assertFalse(e.getMessage().contains("wrong-master-pw"));
    }
  }

  @Test
  void specialUseAttributesAreListed() {
    List<LegacyFolder> folders;
    try (LegacyImapSession session = open()) {
      folders = session.listFolders();
    }
    assertEquals(Optional.of("\\Sent"), find(folders, "Sent").flatMap(LegacyFolder::specialUse));
    assertEquals(Optional.of("\\Trash"), find(folders, "Trash").flatMap(LegacyFolder::specialUse));
    assertTrue(find(folders, "Sent").orElseThrow().subscribed(), "auto = subscribe");
  }

  @Test
  void highestModSeqIsReportedWhenTheServerHasCondstore() {
    raw.append("INBOX", "", null, Corpus.CLEAN);
    raw.append("INBOX", "", null, Corpus.CLEAN);
    try (LegacyImapSession session = open()) {
      FolderSnapshot snapshot = session.examine("INBOX");
      assertTrue(snapshot.highestModSeq() > 0, snapshot::toString);
      // CONDSTORE adds MODSEQ to every FETCH; the readers must not mind.
      assertEquals(2, session.fetchMetadata("INBOX", 1).size());
      Collected got = new Collected();
      session.fetchBodies("INBOX", List.of(1L, 2L), got);
      assertEquals(2, got.bodies.size());
    }
  }

  @Test
  void aCourierStyleInboxPrefixMapsToLocalNames() {
    server.close();
    raw.close();
    server = DovecotFixture.start(tmp.resolve("courier"),
        "namespace inbox {\n  prefix = INBOX.\n  separator = .\n}");
    raw = server.client();
    raw.create("INBOX.Sent Items");
    raw.create("INBOX.Entw&APw-rfe");
    raw.create("INBOX.Archive.2024");

    Map<String, String> localToLegacy = new TreeMap<>();
    FolderNameMapper mapper = new FolderNameMapper("INBOX");
    try (LegacyImapSession session = open()) {
      for (LegacyFolder f : session.listFolders()) {
        assertEquals('.', f.separator());
        mapper.toLocal(f).ifPresent(local -> localToLegacy.put(local, f.legacyName()));
      }
    }
    assertEquals("INBOX", localToLegacy.get("INBOX"));
    assertEquals("INBOX.Sent Items", localToLegacy.get("Sent Items"));
    assertEquals("INBOX.Entw&APw-rfe", localToLegacy.get("Entwürfe"));
    assertEquals("INBOX.Archive.2024", localToLegacy.get("Archive/2024"));
  }
}
