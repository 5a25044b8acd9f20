package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.source.LegacyException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every legacy IMAP server must see the source do, run against each real server we have
 * (GreenMail embedded, real Dovecot). "Exact bytes" means the bytes this server sends to an independent
 * raw client: GreenMail, for one, rewrites header line ends, and that is the server's right.
 */
abstract class LegacyImapSourceContract {
  protected LegacyServerFixture server;
  protected RawImapClient raw;

  /** Starts a fresh server with one user and an empty mailbox. */
  protected abstract LegacyServerFixture startServer() throws Exception;

  @BeforeEach
  void startLegacyServer() throws Exception {
    server = startServer();
    raw = server.client();
  }

  @AfterEach
  void stopLegacyServer() {
    if (raw != null) {
      raw.close();
    }
    if (server != null) {
      server.close();
    }
  }

  protected LegacyImapSession open(FetchLimits limits) {
    return LegacyImapSource.create(server.endpoint().build(), limits).open(server.user());
  }

  protected LegacyImapSession open() {
    return open(FetchLimits.defaults());
  }

  protected String nested(String parent, String child) {
    return parent + server.separator() + child;
  }

  @Test
  void listsNestedNonAsciiAndSubscribedFoldersWithRawNames() {
    raw.create("Entw&APw-rfe");
    raw.create("A&-B");
    raw.create(nested("Projects", "2024"));
    raw.subscribe("Entw&APw-rfe");
    raw.subscribe(nested("Projects", "2024"));

    List<LegacyFolder> folders;
    try (LegacyImapSession session = open()) {
      folders = session.listFolders();
    }
    Map<String, LegacyFolder> byName =
        folders.stream().collect(Collectors.toMap(LegacyFolder::legacyName, Function.identity()));
    assertTrue(byName.containsKey("INBOX"), () -> "INBOX missing: " + byName.keySet());
    assertEquals(server.separator(), byName.get("Entw&APw-rfe").separator());
    assertTrue(byName.get("Entw&APw-rfe").subscribed());
    assertTrue(byName.get(nested("Projects", "2024")).subscribed());
    assertFalse(byName.get("A&-B").subscribed());
    assertTrue(byName.get("A&-B").selectable());
    assertTrue(byName.containsKey("Projects"), "the parent of a nested folder is listed");
  }

  @Test
  void listedNamesMapToUnicodeLocalNames() {
    raw.create("Entw&APw-rfe");
    raw.create("A&-B");
    raw.create(nested("Projects", "2024"));
    FolderNameMapper mapper = new FolderNameMapper("");
    List<String> local = new ArrayList<>();
    try (LegacyImapSession session = open()) {
      for (LegacyFolder f : session.listFolders()) {
        mapper.toLocal(f).ifPresent(local::add);
      }
    }
    assertTrue(local.containsAll(List.of("INBOX", "Entwürfe", "A&B", "Projects/2024")), local::toString);
  }

  @Test
  void examineReportsUidValidityUidNextAndMessageCount() {
    raw.append("INBOX", "", null, Corpus.CLEAN);
    long middle = raw.append("INBOX", "", null, Corpus.BARE_LF);
    long last = raw.append("INBOX", "", null, Corpus.HEADER_ONLY);
    raw.expunge("INBOX", middle);
    long rawUidValidity = rawUidValidity("INBOX");

    FolderSnapshot snapshot;
    try (LegacyImapSession session = open()) {
      snapshot = session.examine("INBOX");
    }
    assertEquals(rawUidValidity, snapshot.uidValidity());
    assertEquals(last + 1, snapshot.uidNext());
    assertEquals(2, snapshot.messageCount());
  }

  @Test
  void examineOfAMissingFolderIsFolderNotFound() {
    try (LegacyImapSession session = open()) {
      LegacyException e = assertThrows(LegacyException.class, () -> session.examine("No such folder"));
      assertEquals(Kind.FOLDER_NOT_FOUND, e.kind());
      // The session is still usable.
      assertEquals(0, session.examine("INBOX").messageCount());
    }
  }

  @Test
  void metadataHasTheFlagsKeywordsInternalDatesAndSizesThatWereAppended() {
    long seen = raw.append("INBOX", "\\Seen \\Answered $Forwarded", "01-Feb-2021 10:11:12 +0100", Corpus.CLEAN);
    long flagged = raw.append("INBOX", "\\Flagged \\Draft \\Deleted Project-X", "31-Dec-1999 23:59:59 -0500",
        Corpus.BARE_LF);
    long plain = raw.append("INBOX", "", "15-Jun-2010 00:00:00 +0000", Corpus.HEADER_ONLY);

    List<LegacyMessageInfo> infos;
    try (LegacyImapSession session = open()) {
      infos = session.fetchMetadata("INBOX", 1);
    }
    assertEquals(List.of(seen, flagged, plain), infos.stream().map(LegacyMessageInfo::uid).toList());
    LegacyMessageInfo a = infos.get(0);
    assertEquals(Set.of("\\Seen", "\\Answered"), a.systemFlags());
    assertEquals(Set.of("$Forwarded"), a.keywords());
    assertEquals(Instant.parse("2021-02-01T09:11:12Z"), a.internalDate());
    LegacyMessageInfo b = infos.get(1);
    assertEquals(Set.of("\\Flagged", "\\Draft", "\\Deleted"), b.systemFlags());
    assertEquals(Set.of("Project-X"), b.keywords());
    assertEquals(Instant.parse("2000-01-01T04:59:59Z"), b.internalDate());
    LegacyMessageInfo c = infos.get(2);
    assertEquals(Set.of(), c.systemFlags(), "no \\Recent, ever");
    assertEquals(Set.of(), c.keywords());
    assertEquals(Instant.parse("2010-06-15T00:00:00Z"), c.internalDate());
    for (LegacyMessageInfo info : infos) {
      assertEquals(rawSize("INBOX", info.uid()), info.rfc822Size(), "RFC822.SIZE as the server reports it");
    }
  }

  @Test
  void metadataWithoutTheRfc822SizeFeatureHasUnknownSizes() {
    raw.append("INBOX", "", null, Corpus.CLEAN);
    try (LegacyImapSession session =
        LegacyImapSource.create(server.endpoint().features(Set.of()).build(), FetchLimits.defaults())
            .open(server.user())) {
      assertEquals(LegacyMessageInfo.SIZE_UNKNOWN, session.fetchMetadata("INBOX", 1).get(0).rfc822Size());
    }
  }

  @Test
  void metadataStartsAtFromUidEvenWhenItIsAboveTheHighestUid() {
    long first = raw.append("INBOX", "", null, Corpus.CLEAN);
    long second = raw.append("INBOX", "", null, Corpus.CLEAN);
    try (LegacyImapSession session = open()) {
      assertEquals(List.of(second), session.fetchMetadata("INBOX", second).stream()
          .map(LegacyMessageInfo::uid).toList());
      // "UID FETCH n:*" returns the last message even when n is above it (RFC 3501 6.4.8).
      assertEquals(List.of(), session.fetchMetadata("INBOX", second + 5));
      assertEquals(2, session.fetchMetadata("INBOX", first).size());
    }
  }

  @Test
  void metadataOfAnEmptyFolderIsEmpty() {
    raw.create("Empty");
    try (LegacyImapSession session = open()) {
      assertEquals(List.of(), session.fetchMetadata("Empty", 1));
    }
  }

  @Test
  void cleanCrlfMessagesComeBackExactlyAsAppended() {
    long uid = raw.append("INBOX", "", null, Corpus.CLEAN);
    assertArrayEquals(Corpus.CLEAN, fetchOne("INBOX", uid));
  }

  @Test
  void bodiesAreByteIdenticalForBareLfMessages() {
    assertSameBytesAsTheServerSends(Corpus.BARE_LF);
  }

  @Test
  void bodiesAreByteIdenticalForHeaderOnlyMessagesWithoutABlankLine() {
    assertSameBytesAsTheServerSends(Corpus.HEADER_ONLY);
  }

  @Test
  void bodiesAreByteIdenticalForEightBitHeaders() {
    assertSameBytesAsTheServerSends(Corpus.EIGHT_BIT_HEADERS);
  }

  @Test
  void bodiesAreByteIdenticalForEmptyBodies() {
    assertSameBytesAsTheServerSends(Corpus.EMPTY_BODY);
  }

  @Test
  void manySmallMessagesArriveInUidOrderAcrossPipelinedBatches() {
    List<Long> uids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      uids.add(raw.append("INBOX", "", null, Corpus.sized(300 + i * 37, i)));
    }
    List<Long> asked = new ArrayList<>(uids);
    Collections.shuffle(asked, new java.util.Random(1));
    asked.add(uids.get(3)); // a duplicate is fetched once

    Collected got = new Collected();
    try (LegacyImapSession session = open(new FetchLimits(7, 1 << 20, 32L << 20))) {
      session.fetchBodies("INBOX", asked, got);
    }
    assertEquals(uids, got.order);
    assertEquals(Map.of(), got.failures);
    Map<Long, byte[]> served = raw.fetchAllBodies("INBOX");
    for (long uid : uids) {
      assertEquals(Corpus.sha256(served.get(uid)), Corpus.sha256(got.bodies.get(uid)), "UID " + uid);
    }
  }

  @Test
  void messagesAroundAndAboveThePieceSizeStreamExactly() {
    int piece = 64 * 1024;
    int[] sizes = {piece - 1, piece, piece + 1, 2 * piece, 300_001, 500, 3 * piece + 17};
    List<Long> uids = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      uids.add(raw.append("INBOX", "", null, Corpus.sized(sizes[i], i)));
    }
    FetchLimits small = new FetchLimits(3, piece, 6L * piece);
    assertEquals(piece, small.firstPieceBytes());

    Collected got = new Collected();
    try (LegacyImapSession session = open(small)) {
      session.fetchBodies("INBOX", uids, got);
    }
    assertEquals(uids, got.order);
    for (long uid : uids) {
      assertArrayEquals(raw.fetchBody("INBOX", uid), got.bodies.get(uid), "UID " + uid);
    }
  }

  @Test
  void uidsTheServerDoesNotHaveAreReportedAsFailedNeverDropped() {
    long a = raw.append("INBOX", "", null, Corpus.CLEAN);
    long gone = raw.append("INBOX", "", null, Corpus.CLEAN);
    long c = raw.append("INBOX", "", null, Corpus.BARE_LF);
    raw.expunge("INBOX", gone);
    long never = c + 100;

    Collected got = new Collected();
    try (LegacyImapSession session = open()) {
      session.fetchBodies("INBOX", List.of(a, gone, c, never), got);
    }
    assertEquals(List.of(a, gone, c, never), got.order);
    assertEquals(Set.of(a, c), got.bodies.keySet());
    assertEquals(Set.of(gone, never), got.failures.keySet());
  }

  @Test
  void fetchingBodiesDoesNotMarkMessagesSeen() {
    long uid = raw.append("INBOX", "", null, Corpus.CLEAN);
    try (LegacyImapSession session = open()) {
      session.fetchBodies("INBOX", List.of(uid), new Collected());
      assertEquals(Set.of(), session.fetchMetadata("INBOX", 1).get(0).systemFlags());
    }
    try (LegacyImapSession later = open()) {
      assertEquals(Set.of(), later.fetchMetadata("INBOX", 1).get(0).systemFlags());
    }
  }

  @Test
  void wrongPasswordIsAuthFailed() {
    LegacyImapSource source =
        LegacyImapSource.create(server.endpoint().password("not-the-password").build(), FetchLimits.defaults());
    LegacyException e = assertThrows(LegacyException.class, () -> source.open(server.user()));
    assertEquals(Kind.AUTH_FAILED, e.kind());
    assertFalse(e.getMessage().contains("not-the-password"), e::getMessage);
  }

  @Test
  void theSessionStaysUsableAfterTheConsumerThrows() {
    List<Long> uids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      uids.add(raw.append("INBOX", "", null, Corpus.sized(1000 + i, i)));
    }
    try (LegacyImapSession session = open(new FetchLimits(4, 1 << 20, 32L << 20))) {
      BodyConsumer failing = new BodyConsumer() {
        @Override
        public void accept(long uid, InputStream body) {
          if (uid == uids.get(5)) {
            throw new IllegalStateException("disk full");
          }
        }

        @Override
        public void failed(long uid, String reason) {}
      };
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> session.fetchBodies("INBOX", uids, failing));
      assertEquals("disk full", e.getMessage());

      Collected again = new Collected();
      session.fetchBodies("INBOX", uids, again);
      assertEquals(uids, again.order);
      assertEquals(20, session.fetchMetadata("INBOX", 1).size());
    }
  }

  @Test
  void consumerIoExceptionsComeOutUnchecked() {
    long uid = raw.append("INBOX", "", null, Corpus.CLEAN);
    try (LegacyImapSession session = open()) {
      BodyConsumer failing = new BodyConsumer() {
        @Override
        public void accept(long u, InputStream body) throws IOException {
          throw new IOException("no space left");
        }

        @Override
        public void failed(long u, String reason) {}
      };
      assertThrows(java.io.UncheckedIOException.class, () -> session.fetchBodies("INBOX", List.of(uid), failing));
    }
  }

  @Test
  void switchingFoldersSelectsTheRightOne() {
    raw.create("Other");
    long inInbox = raw.append("INBOX", "", null, Corpus.CLEAN);
    long inOther = raw.append("Other", "", null, Corpus.BARE_LF);
    try (LegacyImapSession session = open()) {
      assertEquals(List.of(inInbox), session.fetchMetadata("INBOX", 1).stream().map(LegacyMessageInfo::uid).toList());
      Collected other = new Collected();
      session.fetchBodies("Other", List.of(inOther), other);
      assertArrayEquals(raw.fetchBody("Other", inOther), other.bodies.get(inOther));
      assertEquals(1, session.examine("INBOX").messageCount());
    }
  }

  @Test
  void foldersWithSpacesAmpersandsAndNonAsciiNamesCanBeRead() {
    String name = "Sent Items &- Entw&APw-rfe";
    raw.create(name);
    long uid = raw.append(name, "\\Seen", null, Corpus.CLEAN);
    try (LegacyImapSession session = open()) {
      LegacyFolder listed = find(session.listFolders(), name).orElseThrow();
      assertEquals(Optional.of("Sent Items & Entwürfe"), new FolderNameMapper("").toLocal(listed));
      assertEquals(1, session.examine(name).messageCount());
      assertEquals(Set.of("\\Seen"), session.fetchMetadata(name, 1).get(0).systemFlags());
      Collected got = new Collected();
      session.fetchBodies(name, List.of(uid), got);
      assertArrayEquals(Corpus.CLEAN, got.bodies.get(uid));
    }
  }

  @Test
  void aFolderRecreatedDuringTheSessionIsUidValidityChanged() {
    raw.create("Volatile");
    raw.append("Volatile", "", null, Corpus.CLEAN);
    try (LegacyImapSession session = open()) {
      long before = session.examine("Volatile").uidValidity();
      session.examine("INBOX");
      long after = before;
      // GreenMail's UIDVALIDITY is the second of creation: a folder made again in the same second has the same one.
      for (int attempt = 0; after == before && attempt < 3; attempt++) {
        if (attempt > 0) {
          sleepPastTheSecond();
        }
        raw.ok("DELETE \"Volatile\"");
        raw.create("Volatile");
        after = rawUidValidity("Volatile");
      }
      assertNotEquals(before, after, "the server gave the recreated folder its old UIDVALIDITY");
      LegacyException e = assertThrows(LegacyException.class, () -> session.fetchMetadata("Volatile", 1));
      assertEquals(Kind.UIDVALIDITY_CHANGED, e.kind());
    }
  }

  private static void sleepPastTheSecond() {
    try {
      Thread.sleep(1100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------------------

  protected void assertSameBytesAsTheServerSends(byte[] message) {
    long uid = raw.append("INBOX", "", null, message);
    byte[] served = raw.fetchBody("INBOX", uid);
    assertEquals(Corpus.sha256(served), Corpus.sha256(fetchOne("INBOX", uid)));
  }

  protected byte[] fetchOne(String folder, long uid) {
    Collected got = new Collected();
    try (LegacyImapSession session = open()) {
      session.fetchBodies(folder, List.of(uid), got);
    }
    assertEquals(Map.of(), got.failures);
    byte[] body = got.bodies.get(uid);
    assertNotNull(body);
    return body;
  }

  protected long rawUidValidity(String folder) {
    for (RawImapClient.Line line : raw.ok("EXAMINE " + RawImapClient.quote(folder))) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[UIDVALIDITY (\\d+)\\]").matcher(line.text());
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no UIDVALIDITY");
  }

  protected long rawSize(String folder, long uid) {
    raw.ok("EXAMINE " + RawImapClient.quote(folder));
    for (RawImapClient.Line line : raw.ok("UID FETCH " + uid + " (RFC822.SIZE)")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("RFC822\\.SIZE (\\d+)").matcher(line.text());
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no RFC822.SIZE");
  }

  static Optional<LegacyFolder> find(List<LegacyFolder> folders, String legacyName) {
    return folders.stream().filter(f -> f.legacyName().equals(legacyName)).findFirst();
  }
}
