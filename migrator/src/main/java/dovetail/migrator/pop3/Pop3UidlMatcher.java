package dovetail.migrator.pop3;

import dovetail.migrator.source.LegacyPop3Message;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs the legacy POP3 messages with the legacy IMAP INBOX messages, as Dovecot's pop3-migration plugin
 * does (pop3_uidl_assign_by_size, then pop3_uidl_assign_by_hdr_hash): first walk both lists in order while
 * the sizes agree and no two neighbouring POP3 messages share a size; then match the rest by a hash of
 * their headers. It decides nothing about unmatched messages: the caller applies the ignore switches.
 */
public final class Pop3UidlMatcher {

  /** An IMAP message: its UID and RFC822.SIZE. */
  public record ImapMessage(long uid, long size) {}

  /** Fetches headers (TOP n 0 / BODY.PEEK[HEADER]) only for the messages that sizes could not match. */
  public interface Headers {
    Map<Long, byte[]> imapHeaders(List<Long> uids);

    Map<Integer, byte[]> pop3Headers(List<Integer> seqs);

    /** IMAP headers fetched beforehand (all IMAP work comes first); POP3 headers asked for when needed. */
    static Headers of(Map<Long, byte[]> imapHeaders, java.util.function.Function<List<Integer>, Map<Integer, byte[]>> pop3) {
      return new Headers() {
        @Override
        public Map<Long, byte[]> imapHeaders(List<Long> uids) {
          return imapHeaders;
        }

        @Override
        public Map<Integer, byte[]> pop3Headers(List<Integer> seqs) {
          return pop3.apply(seqs);
        }
      };
    }
  }

  /** A matched pair's POP3 side: the UIDL and POP3 position to store as P and O. */
  public record Match(String uidl, int pop3Seq) {}

  /**
   * @param byUid matches keyed by IMAP UID
   * @param missingInImap POP3 messages with no IMAP message
   * @param withoutUidl IMAP UIDs with no POP3 message
   * @param matchedBySize how many pairs the size walk found
   */
  public record Result(Map<Long, Match> byUid, List<LegacyPop3Message> missingInImap, List<Long> withoutUidl, int matchedBySize) {}

  private Pop3UidlMatcher() {}

  public static Result match(List<ImapMessage> imap, List<LegacyPop3Message> pop3, Headers headers, boolean skipSizeCheck) {
    Map<Long, Match> byUid = new LinkedHashMap<>();
    int count = Math.min(imap.size(), pop3.size());
    int bySize = 0;
    if (!skipSizeCheck) {
      while (bySize < count) {
        LegacyPop3Message p = pop3.get(bySize);
        if (p.size() != imap.get(bySize).size()) {
          break;
        }
        if (bySize + 1 < pop3.size() && pop3.get(bySize + 1).size() == p.size()) {
          break; // two messages of the same size in a row: do not trust the order
        }
        byUid.put(imap.get(bySize).uid(), new Match(p.uidl(), p.seq()));
        bySize++;
      }
    }
    List<ImapMessage> imapRest = imap.subList(bySize, imap.size());
    List<LegacyPop3Message> pop3Rest = pop3.subList(bySize, pop3.size());
    List<LegacyPop3Message> missing = new ArrayList<>();
    if (!imapRest.isEmpty() && !pop3Rest.isEmpty()) {
      matchByHeaders(imapRest, pop3Rest, headers, byUid, missing);
    } else {
      missing.addAll(pop3Rest);
    }
    List<Long> withoutUidl = new ArrayList<>();
    for (ImapMessage m : imap) {
      if (!byUid.containsKey(m.uid())) {
        withoutUidl.add(m.uid());
      }
    }
    return new Result(byUid, missing, withoutUidl, bySize);
  }

  /** Equal hashes pair up in order: the n-th POP3 message with a hash takes the n-th IMAP message with it. */
  private static void matchByHeaders(List<ImapMessage> imap, List<LegacyPop3Message> pop3, Headers headers,
      Map<Long, Match> byUid, List<LegacyPop3Message> missing) {
    List<Long> uids = imap.stream().map(ImapMessage::uid).toList();
    List<Integer> seqs = pop3.stream().map(LegacyPop3Message::seq).toList();
    Map<Long, byte[]> imapHeaders = headers.imapHeaders(uids);
    Map<Integer, byte[]> pop3Headers = headers.pop3Headers(seqs);
    Map<String, Deque<Long>> uidsByHash = new HashMap<>();
    for (long uid : uids) {
      byte[] h = imapHeaders.get(uid);
      if (h != null) {
        uidsByHash.computeIfAbsent(HeaderHash.of(h), k -> new ArrayDeque<>()).add(uid);
      }
    }
    for (LegacyPop3Message p : pop3) {
      byte[] h = pop3Headers.get(p.seq());
      Deque<Long> candidates = h == null ? null : uidsByHash.get(HeaderHash.of(h));
      if (candidates == null || candidates.isEmpty()) {
        missing.add(p);
      } else {
        byUid.put(candidates.poll(), new Match(p.uidl(), p.seq()));
      }
    }
  }
}
