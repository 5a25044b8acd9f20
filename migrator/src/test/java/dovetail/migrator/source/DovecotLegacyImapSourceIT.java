package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyImapEndpoint.MasterLoginStyle;
import dovetail.store.dovecot.DovecotServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
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
  void aMessageThatMakesTheServerHangUpIsNamedSoTheCallerCanSkipIt() throws Exception {
    long before = raw.append("INBOX", "", null, Corpus.CLEAN);
    long broken = raw.append("INBOX", "", null,
        "From: x\r\nSubject: unreadable-on-disk\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    long after = raw.append("INBOX", "", null, Corpus.BARE_LF);
    Path file = messageFile("unreadable-on-disk");
    Files.setPosixFilePermissions(file, Set.of()); // Dovecot's mail process (not root) cannot open it

    try {
      // Dovecot ends the session over it: "BYE FETCH failed: Internal error occurred".
      Collected got = new Collected();
      try (LegacyImapSession session = open()) {
        LegacyException e = assertThrows(LegacyException.class,
            () -> session.fetchBodies("INBOX", List.of(before, broken, after), got));
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertEquals(OptionalLong.of(broken), e.messageUid(), e::getMessage);
      }
      assertEquals(List.of(before), got.order, "what arrived before the BYE is handed over");

      // The caller's retry of that UID alone dies the same way, so it gives up on it and goes on.
      try (LegacyImapSession session = open()) {
        LegacyException again = assertThrows(LegacyException.class,
            () -> session.fetchBodies("INBOX", List.of(broken), new Collected()));
        assertEquals(OptionalLong.of(broken), again.messageUid());
      }
      Collected rest = new Collected();
      try (LegacyImapSession session = open()) {
        session.fetchBodies("INBOX", List.of(after), rest);
      }
      assertEquals(Set.of(after), rest.bodies.keySet());
    } finally {
      Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
  }

  private Path messageFile(String subject) throws Exception {
    Path maildir = ((DovecotFixture) server).dovecot().maildir("alice");
    for (String dir : List.of("new", "cur")) {
      try (Stream<Path> files = Files.list(maildir.resolve(dir))) {
        for (Path f : files.toList()) {
          if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(subject)) {
            return f;
          }
        }
      }
    }
    throw new AssertionError("no file with " + subject + " in " + maildir);
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
