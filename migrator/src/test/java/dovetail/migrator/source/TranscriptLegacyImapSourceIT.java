package dovetail.migrator.source;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dovetail.migrator.source.LegacyException.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Quirks of servers we cannot run here, played from transcripts in src/test/resources (C:/S: lines).
 * The transcript also checks that the source sends exactly the commands written in it.
 */
class TranscriptLegacyImapSourceIT {
  /** 64 KiB pieces: the transcripts spell out {@code BODY.PEEK[]<0.65536>}. */
  private static final FetchLimits LIMITS = new FetchLimits(10, 64 * 1024, 1 << 20);

  @Test
  void courierWithoutUidNextOnExamineIsAskedWithStatus() throws Exception {
    try (TranscriptServer courier = new TranscriptServer("courier.transcript")) {
      List<LegacyFolder> folders;
      FolderSnapshot snapshot;
      List<LegacyMessageInfo> infos;
      Collected bodies = new Collected();
      try (LegacyImapSession session = LegacyImapSource.create(courier.endpoint().build(), LIMITS).open("alice")) {
        folders = session.listFolders();
        snapshot = session.examine("INBOX.Sent");
        infos = session.fetchMetadata("INBOX.Sent", 1);
        session.fetchBodies("INBOX.Sent", List.of(5L, 16L), bodies);
      }
      assertEquals(List.of(), courier.mismatches());

      assertEquals(new FolderSnapshot(1234567890, 17, 0, 2), snapshot);
      assertEquals(List.of(5L, 16L), infos.stream().map(LegacyMessageInfo::uid).toList());
      assertEquals(Set.of("\\Seen"), infos.get(0).systemFlags());
      assertEquals(Instant.parse("2021-02-01T09:11:12Z"), infos.get(0).internalDate());
      assertEquals(Set.of("$Label1"), infos.get(1).keywords());
      assertEquals(99, infos.get(1).rfc822Size(), "RFC822.SIZE is passed on as a hint, even when it lies");
      assertArrayEquals("Subject: a\r\n\r\nbody".getBytes(US_ASCII), bodies.bodies.get(5L));
      assertArrayEquals("Subject: b".getBytes(US_ASCII), bodies.bodies.get(16L));

      Map<String, LegacyFolder> byName = new TreeMap<>();
      folders.forEach(f -> byName.put(f.legacyName(), f));
      assertTrue(byName.get("INBOX.Sent").subscribed());
      assertFalse(byName.get("INBOX.Archive").subscribed(), "LSUB \\Noselect: only a child is subscribed");
      assertFalse(byName.get("INBOX.Archive").selectable());
      assertTrue(byName.get("INBOX.Gone").subscribed());
      assertTrue(byName.get("INBOX.Gone").attributes().contains(LegacyFolder.NONEXISTENT));
      assertTrue(byName.containsKey("INBOX.Literal"), "a name sent as a literal");
      assertFalse(byName.containsKey("shared.Announcements"), "a shared namespace's folder is not the user's own");
      assertFalse(byName.containsKey("shared"));

      FolderNameMapper mapper = new FolderNameMapper("INBOX");
      Map<String, String> local = new TreeMap<>();
      folders.forEach(f -> mapper.toLocal(f).ifPresent(n -> local.put(f.legacyName(), n)));
      assertEquals("INBOX", local.get("INBOX"));
      assertEquals("Entwürfe", local.get("INBOX.Entw&APw-rfe"));
      assertEquals("Open&Jjo", local.get("INBOX.Open&Jjo"), "invalid modified UTF-7 is kept verbatim");
      assertEquals("Archive/2024", local.get("INBOX.Archive.2024"));
    }
  }

  @Test
  void throttlingIsThrownAndNoMessageIsMarkedFailed() throws Exception {
    try (TranscriptServer gmail = new TranscriptServer("throttled.transcript")) {
      Collected got = new Collected();
      try (LegacyImapSession session = LegacyImapSource.create(gmail.endpoint().build(), LIMITS).open("alice")) {
        LegacyException e = assertThrows(LegacyException.class,
            () -> session.fetchBodies("INBOX", List.of(10L, 11L, 12L), got));
        assertEquals(Kind.THROTTLED, e.kind());
      }
      assertEquals(List.of(), got.order);
      assertEquals(List.of(), gmail.mismatches());
    }
  }

  @Test
  void oddFetchAnswersAreDeliveredOrReportedAndAByeNamesTheMessage() throws Exception {
    try (TranscriptServer quirky = new TranscriptServer("quirky-fetch.transcript")) {
      Collected got = new Collected();
      try (LegacyImapSession session = LegacyImapSource.create(quirky.endpoint().build(), LIMITS).open("alice")) {
        session.fetchBodies("INBOX", List.of(1L, 2L, 3L), got);
        assertEquals(List.of(1L, 2L, 3L), got.order);
        assertArrayEquals("Subject: x".getBytes(US_ASCII), got.bodies.get(1L), "no origin: the whole body");
        assertTrue(got.failures.get(2L).contains("NIL"), got.failures::toString);
        assertArrayEquals(new byte[0], got.bodies.get(3L));

        Collected next = new Collected();
        LegacyException e = assertThrows(LegacyException.class,
            () -> session.fetchBodies("INBOX", List.of(4L, 5L), next));
        assertEquals(Kind.UNAVAILABLE, e.kind());
        assertEquals(OptionalLong.of(5), e.messageUid());
        assertArrayEquals("abcd".getBytes(US_ASCII), next.bodies.get(4L), "what came before the BYE is kept");
        assertEquals(List.of(4L), next.order);
        assertEquals(Kind.UNAVAILABLE,
            assertThrows(LegacyException.class, () -> session.examine("INBOX")).kind(), "the session is dead");
      }
      assertEquals(List.of(), quirky.mismatches());
    }
  }

  /**
   * Two messages under one UID: the first listed is kept, metadata and body alike, and counted as having a
   * duplicate (the migration reports it), where the last one won silently; a repeated answer for the same message
   * is no duplicate; a body nobody asked for is not handed over.
   */
  @Test
  void twoMessagesUnderOneUidKeepTheFirstAndCountTheOther() throws Exception {
    try (TranscriptServer server = new TranscriptServer("duplicate-uid.transcript")) {
      List<LegacyMessageInfo> infos;
      Collected got = new Collected();
      try (LegacyImapSession session = LegacyImapSource.create(server.endpoint().build(), LIMITS).open("alice")) {
        session.examine("INBOX");
        infos = session.fetchMetadata("INBOX", 1);
        session.fetchBodies("INBOX", List.of(1L, 2L, 3L), got);
      }
      assertEquals(List.of(), server.mismatches());

      assertEquals(List.of(1L, 2L, 3L), infos.stream().map(LegacyMessageInfo::uid).toList());
      assertEquals(List.of(0, 1, 0), infos.stream().map(LegacyMessageInfo::duplicates).toList());
      assertEquals(Instant.parse("2021-02-02T09:11:12Z"), infos.get(1).internalDate(), "the first listed");
      assertEquals(Set.of("\\Seen", "\\Flagged"), infos.get(1).systemFlags(), "its later answer");
      assertEquals(List.of(1L, 2L, 3L), got.order, "nothing for UID 77");
      assertArrayEquals("Subject: b".getBytes(US_ASCII), got.bodies.get(2L), "the first body");
      assertEquals(Map.of(), got.failures);
    }
  }

  @Test
  void onlyANoThatMeansNoSuchMailboxMakesTheFolderGone() throws Exception {
    try (TranscriptServer server = new TranscriptServer("examine-refused.transcript")) {
      try (LegacyImapSession session = LegacyImapSource.create(server.endpoint().build(), LIMITS).open("alice")) {
        LegacyException locked = assertThrows(LegacyException.class, () -> session.examine("Locked"));
        assertEquals(Kind.FOLDER_REFUSED, locked.kind(), locked.getMessage());
        LegacyException deleted = assertThrows(LegacyException.class, () -> session.examine("Deleted"));
        assertEquals(Kind.FOLDER_NOT_FOUND, deleted.kind(), deleted.getMessage());
        LegacyException vanished = assertThrows(LegacyException.class, () -> session.examine("Vanished"));
        assertEquals(Kind.FOLDER_NOT_FOUND, vanished.kind(), vanished.getMessage());
      }
      assertEquals(List.of(), server.mismatches());
    }
  }

  @Test
  void aMetadataReplyThatLacksAnItemIsReportedAndASplitReplyIsMerged() throws Exception {
    try (TranscriptServer server = new TranscriptServer("metadata-missing-item.transcript")) {
      try (LegacyImapSession session = LegacyImapSource.create(server.endpoint().build(), LIMITS).open("alice")) {
        session.examine("INBOX");
        LegacyException e = assertThrows(LegacyException.class, () -> session.fetchMetadata("INBOX", 1),
            "UID 2 would be left out silently");
        assertEquals(Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains("UID 2 "), e.getMessage());
        assertTrue(e.getMessage().contains("RFC822.SIZE"), e.getMessage());

        List<LegacyMessageInfo> infos = session.fetchMetadata("INBOX", 1);
        assertEquals(List.of(1L, 2L, 5L), infos.stream().map(LegacyMessageInfo::uid).toList());
        assertEquals(Set.of(), infos.get(1).systemFlags(), "the unsolicited FETCH without UID is not a reply");
        assertEquals(20, infos.get(1).rfc822Size());
        assertEquals(Set.of("$Label1"), infos.get(2).keywords());
        assertEquals(Instant.parse("2021-02-03T09:11:12Z"), infos.get(2).internalDate());
        assertEquals(30, infos.get(2).rfc822Size(), "the split reply, merged");
      }
      assertEquals(List.of(), server.mismatches());
    }
  }

  @Test
  void aPreauthGreetingIsRefusedBecauseItIgnoresTheUser() throws Exception {
    try (TranscriptServer preauth = new TranscriptServer("preauth.transcript")) {
      LegacyException e = assertThrows(LegacyException.class,
          () -> LegacyImapSource.create(preauth.endpoint().build(), LIMITS).open("alice"));
      assertEquals(Kind.PROTOCOL, e.kind());
      assertEquals(List.of(), preauth.mismatches());
    }
  }

  @Test
  void aServerWithoutImap4rev1IsRefusedBeforeThePasswordIsSent() throws Exception {
    try (TranscriptServer notRev1 = new TranscriptServer("no-imap4rev1.transcript")) {
      LegacyException e = assertThrows(LegacyException.class,
          () -> LegacyImapSource.create(notRev1.endpoint().build(), LIMITS).open("alice"));
      assertEquals(Kind.PROTOCOL, e.kind());
      assertEquals("127.0.0.1:" + notRev1.port() + ": CAPABILITY list is missing IMAP4rev1; not migrating from a "
          + "server that is not IMAP4rev1, as Dovecot's imapc does not", e.getMessage());
      assertEquals(List.of(), notRev1.mismatches(), "LOGOUT, and no LOGIN before it");
    }
  }

  /**
   * Bodies for UIDs the fetch did not ask for are dropped (nothing invented) and named in one WARN for the folder, so
   * that an operator sees a misbehaving source without a line per body.
   */
  @Test
  void bodiesNobodyAskedForAreDroppedAndNamedInOneWarning() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    try (TranscriptServer server = new TranscriptServer("unasked-bodies.transcript")) {
      Collected got = new Collected();
      try (LegacyImapSession session = LegacyImapSource.create(server.endpoint().build(), LIMITS).open("alice")) {
        session.fetchBodies("INBOX", List.of(1L, 2L), got);
      }
      assertEquals(List.of(), server.mismatches());
      assertEquals(List.of(1L, 2L), got.order, "nothing for UIDs 77 and 78");
      List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(List.of("127.0.0.1:" + server.port() + ": INBOX: ignored 2 bodies for UIDs that were not asked for "
          + "(77, 78): a broken server; nothing was stored from them"), warnings);
    } finally {
      root.detachAppender(log);
    }
  }
}
