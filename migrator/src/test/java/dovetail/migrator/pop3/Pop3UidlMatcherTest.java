package dovetail.migrator.pop3;

import dovetail.migrator.source.LegacyPop3Message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.pop3.Pop3UidlMatcher.ImapMessage;
import dovetail.migrator.pop3.Pop3UidlMatcher.Match;
import dovetail.migrator.pop3.Pop3UidlMatcher.Result;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Pop3UidlMatcherTest {
  /** Headers keyed by UID / POP3 position; records which were asked for. */
  private static final class FakeServerHeaders implements Pop3UidlMatcher.Headers {
    final Map<Long, String> imap = new HashMap<>();
    final Map<Integer, String> pop3 = new HashMap<>();
    final List<Long> askedImap = new ArrayList<>();

    @Override
    public Map<Long, byte[]> imapHeaders(List<Long> uids) {
      askedImap.addAll(uids);
      Map<Long, byte[]> out = new HashMap<>();
      uids.forEach(u -> out.put(u, imap.get(u).getBytes(StandardCharsets.US_ASCII)));
      return out;
    }

    @Override
    public Map<Integer, byte[]> pop3Headers(List<Integer> seqs) {
      Map<Integer, byte[]> out = new HashMap<>();
      seqs.forEach(s -> out.put(s, pop3.get(s).getBytes(StandardCharsets.US_ASCII)));
      return out;
    }
  }

  @Test
  void distinctSizesInTheSameOrderMatchWithoutFetchingHeaders() {
    FakeServerHeaders h = new FakeServerHeaders();
    Result r = Pop3UidlMatcher.match(
        List.of(new ImapMessage(5, 100), new ImapMessage(9, 200), new ImapMessage(12, 300)),
        List.of(new LegacyPop3Message(1, "u1", 100), new LegacyPop3Message(2, "u2", 200), new LegacyPop3Message(3, "u3", 300)), h, false);
    assertEquals(Map.of(5L, new Match("u1", 1), 9L, new Match("u2", 2), 12L, new Match("u3", 3)), r.byUid());
    assertEquals(3, r.matchedBySize());
    assertTrue(h.askedImap.isEmpty());
  }

  @Test
  void equalNeighbouringSizesFallBackToHeaderHashes() {
    FakeServerHeaders h = new FakeServerHeaders();
    h.imap.put(9L, "Subject: b\r\n\r\n");
    h.imap.put(12L, "Subject: a\r\n\r\n");
    h.pop3.put(2, "Subject: a\n\n");
    h.pop3.put(3, "Return-Path: <x>\nSubject: b\n\n");
    Result r = Pop3UidlMatcher.match(
        List.of(new ImapMessage(5, 100), new ImapMessage(9, 200), new ImapMessage(12, 200)),
        List.of(new LegacyPop3Message(1, "u1", 100), new LegacyPop3Message(2, "u2", 200), new LegacyPop3Message(3, "u3", 200)), h, false);
    assertEquals(1, r.matchedBySize());
    assertEquals(new Match("u2", 2), r.byUid().get(12L));
    assertEquals(new Match("u3", 3), r.byUid().get(9L));
    assertEquals(List.of(9L, 12L), h.askedImap);
  }

  @Test
  void aWrongImapSizeIsSurvivedThroughHeaders() {
    FakeServerHeaders h = new FakeServerHeaders();
    h.imap.put(1L, "Subject: one\r\n\r\n");
    h.imap.put(2L, "Subject: two\r\n\r\n");
    h.pop3.put(1, "Subject: one\r\n\r\n");
    h.pop3.put(2, "Subject: two\r\n\r\n");
    Result r = Pop3UidlMatcher.match(List.of(new ImapMessage(1, 999), new ImapMessage(2, 20)),
        List.of(new LegacyPop3Message(1, "a", 10), new LegacyPop3Message(2, "b", 20)), h, false);
    assertEquals(Map.of(1L, new Match("a", 1), 2L, new Match("b", 2)), r.byUid());
    assertEquals(0, r.matchedBySize());
  }

  @Test
  void unmatchedMessagesOnEitherSideAreReported() {
    FakeServerHeaders h = new FakeServerHeaders();
    h.imap.put(7L, "Subject: only imap\r\n\r\n");
    h.pop3.put(2, "Subject: only pop3\r\n\r\n");
    Result r = Pop3UidlMatcher.match(List.of(new ImapMessage(3, 10), new ImapMessage(7, 50)),
        List.of(new LegacyPop3Message(1, "a", 10), new LegacyPop3Message(2, "b", 60)), h, false);
    assertEquals(Map.of(3L, new Match("a", 1)), r.byUid());
    assertEquals(List.of(new LegacyPop3Message(2, "b", 60)), r.missingInImap());
    assertEquals(List.of(7L), r.withoutUidl());
  }

  @Test
  void identicalHeadersPairInOrder() {
    FakeServerHeaders h = new FakeServerHeaders();
    for (long uid = 1; uid <= 3; uid++) {
      h.imap.put(uid, "Subject: same\r\n\r\n");
      h.pop3.put((int) uid, "Subject: same\r\n\r\n");
    }
    Result r = Pop3UidlMatcher.match(
        List.of(new ImapMessage(1, 5), new ImapMessage(2, 5), new ImapMessage(3, 5)),
        List.of(new LegacyPop3Message(1, "a", 5), new LegacyPop3Message(2, "b", 5), new LegacyPop3Message(3, "c", 5)), h, true);
    assertEquals(Map.of(1L, new Match("a", 1), 2L, new Match("b", 2), 3L, new Match("c", 3)), r.byUid());
  }
}
