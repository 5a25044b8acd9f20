package dovetail.migrator.copy;

import dovetail.migrator.source.BodyConsumer;
import dovetail.migrator.source.FolderSnapshot;
import dovetail.migrator.source.LegacyException;
import dovetail.migrator.source.LegacyException.Kind;
import dovetail.migrator.source.LegacyFolder;
import dovetail.migrator.source.LegacyFolderStatus;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyImapSource;
import dovetail.migrator.source.LegacyMessageInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory legacy server with knobs for the faults real ones have: it follows the
 * {@link LegacyImapSession} contract (UID order, each UID ends in accept or failed, a dead connection
 * throws with the UID it died on).
 */
final class FakeLegacy implements LegacyImapSource {
  /** One message: its bytes, flags and what the server claims as RFC822.SIZE (-1: the real size). */
  static final class Message {
    byte[] bytes;
    Set<String> system = Set.of();
    Set<String> keywords = Set.of();
    Instant date = Instant.parse("2020-02-03T04:05:06Z");
    long reportedSize = -1;

    Message(byte[] bytes) {
      this.bytes = bytes;
    }

    Message flags(Set<String> system, Set<String> keywords) {
      this.system = system;
      this.keywords = keywords;
      return this;
    }
  }

  static final class Folder {
    final String name;
    long uidValidity;
    long uidNext;
    long highestModSeq;
    boolean selectable = true;
    boolean subscribed;
    Set<String> attributes = Set.of();
    final TreeMap<Long, Message> messages = new TreeMap<>();

    Folder(String name, long uidValidity, long uidNext) {
      this.name = name;
      this.uidValidity = uidValidity;
      this.uidNext = uidNext;
    }

    Folder add(long uid, Message m) {
      messages.put(uid, m);
      uidNext = Math.max(uidNext, uid + 1);
      return this;
    }
  }

  final Map<String, Folder> folders = new LinkedHashMap<>();
  final char separator;
  /** UID -> how many more times FETCH answers NO for it. */
  final Map<Long, Integer> refuse = new HashMap<>();
  /** UID -> how many more times it comes back empty. */
  final Map<Long, Integer> empty = new HashMap<>();
  /** UID -> how many more times the connection dies while sending it. */
  final Map<Long, Integer> dieOn = new HashMap<>();
  /** UIDs listed by the metadata but gone when the bodies are fetched. */
  final Set<Long> vanishing = new java.util.HashSet<>();
  /** Opening a session fails this many more times with this kind. */
  int openFailures;
  Kind openFailureKind = Kind.UNAVAILABLE;
  /** The connection dies after this many more bodies (0 = never). */
  int dieAfterBodies;
  /** Runs at the start of every metadata fetch (a test holds one worker there while another does something). */
  volatile Runnable beforeMetadata = () -> {};
  /** Runs after each STATUS has its answer: another client changing the folder between a STATUS and what follows. */
  volatile Runnable afterStatus = () -> {};
  final AtomicInteger sessionsOpened = new AtomicInteger();
  final AtomicInteger sessionsOpen = new AtomicInteger();
  final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

  FakeLegacy(char separator) {
    this.separator = separator;
  }

  Folder folder(String name, long uidValidity) {
    Folder f = new Folder(name, uidValidity, 1);
    folders.put(name, f);
    return f;
  }

  static Message message(String text) {
    return new Message(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public LegacyImapSession open(String user) {
    if (openFailures > 0) {
      openFailures--;
      throw new LegacyException(openFailureKind, "fake: cannot log in (" + openFailureKind + ")");
    }
    sessionsOpened.incrementAndGet();
    sessionsOpen.incrementAndGet();
    return new Session();
  }

  private final class Session implements LegacyImapSession {
    private boolean dead;
    private boolean closed;

    @Override
    public List<LegacyFolder> listFolders() {
      alive();
      log.add("LIST");
      List<LegacyFolder> out = new ArrayList<>();
      for (Folder f : folders.values()) {
        Set<String> attrs = new java.util.HashSet<>(f.attributes);
        if (!f.selectable) {
          attrs.add(LegacyFolder.NOSELECT);
        }
        out.add(new LegacyFolder(f.name, separator, attrs, f.subscribed));
      }
      return out;
    }

    @Override
    public FolderSnapshot examine(String legacyName) {
      alive();
      log.add("EXAMINE " + legacyName);
      Folder f = folders.get(legacyName);
      if (f == null || !f.selectable) {
        throw new LegacyException(Kind.FOLDER_NOT_FOUND, "EXAMINE " + legacyName + ": NO Mailbox does not exist (0.001 + 0.000 secs).");
      }
      return new FolderSnapshot(f.uidValidity, f.uidNext, f.highestModSeq, f.messages.size());
    }

    @Override
    public LegacyFolderStatus status(String legacyName) {
      LegacyFolderStatus answer = LegacyImapSession.super.status(legacyName);
      afterStatus.run();
      return answer;
    }

    @Override
    public List<LegacyMessageInfo> fetchMetadata(String legacyName, long fromUid) {
      beforeMetadata.run();
      alive();
      log.add("FETCH META " + legacyName + " " + fromUid);
      Folder f = folders.get(legacyName);
      List<LegacyMessageInfo> out = new ArrayList<>();
      for (Map.Entry<Long, Message> e : f.messages.tailMap(fromUid, true).entrySet()) {
        Message m = e.getValue();
        out.add(new LegacyMessageInfo(e.getKey(), m.system, m.keywords, m.date,
            m.reportedSize >= 0 ? m.reportedSize : m.bytes.length));
      }
      for (long uid : vanishing) {
        f.messages.remove(uid);
      }
      return out;
    }

    @Override
    public java.util.Optional<String> otherUsersOrSharedNamespace(String legacyName) {
      return java.util.Optional.empty(); // no NAMESPACE here
    }

    @Override
    public void fetchBodies(String legacyName, List<Long> uids, BodyConsumer consumer) {
      alive();
      log.add("FETCH BODIES " + legacyName + " " + uids.size());
      Folder f = folders.get(legacyName);
      for (long uid : uids.stream().sorted().distinct().toList()) {
        if (dieAfterBodies > 0 && --dieAfterBodies == 0) {
          dead = true;
          throw new LegacyException(Kind.UNAVAILABLE, "fake: connection reset").about(uid);
        }
        if (countDown(dieOn, uid)) {
          dead = true;
          throw new LegacyException(Kind.UNAVAILABLE, "fake: BYE").about(uid);
        }
        Message m = f.messages.get(uid);
        if (m == null) {
          consumer.failed(uid, "the server returned no body (expunged?)");
        } else if (countDown(refuse, uid)) {
          consumer.failed(uid, "the server refused: NO cannot read it");
        } else {
          byte[] bytes = countDown(empty, uid) ? new byte[0] : m.bytes;
          try {
            consumer.accept(uid, new ByteArrayInputStream(bytes));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    @Override
    public Map<Long, byte[]> fetchHeaders(String legacyName, List<Long> uids) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        sessionsOpen.decrementAndGet();
      }
    }

    private void alive() {
      if (closed) {
        throw new IllegalStateException("session used after close");
      }
      if (dead) {
        throw new LegacyException(Kind.UNAVAILABLE, "fake: the connection is dead");
      }
    }
  }

  private static boolean countDown(Map<Long, Integer> counts, long uid) {
    Integer n = counts.get(uid);
    if (n == null || n == 0) {
      return false;
    }
    counts.put(uid, n - 1);
    return true;
  }
}
