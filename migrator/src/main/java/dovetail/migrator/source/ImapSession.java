package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LegacyImapSession} over one connection. It remembers which folder is selected and each
 * folder's UIDVALIDITY, so that UIDs from two incarnations of a folder are never mixed.
 */
final class ImapSession implements LegacyImapSession {
  private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
  private static final java.util.concurrent.atomic.AtomicBoolean COURIER_TOLD =
      new java.util.concurrent.atomic.AtomicBoolean();
  /** A new connection as the same user, when a large message was cut short in the middle. */
  private final Supplier<ImapConnection> reconnect;
  private ImapConnection connection;
  private final LegacyImapEndpoint endpoint;
  private final String user;
  private final FetchLimits limits;
  /** Body arrays reused from one fetch to the next (as many bytes as the fetches in flight may hold). */
  private final BodyBuffers bodyBuffers;
  private final Map<String, Long> uidValidities = new HashMap<>();
  private String selected;
  /** NAMESPACE's answer, asked once per session on first need; null until then. */
  private Optional<LegacyNamespaces> namespaces;

  ImapSession(String user, ImapConnection connection, Supplier<ImapConnection> reconnect, LegacyImapEndpoint endpoint,
      FetchLimits limits) {
    this.user = user;
    this.connection = connection;
    this.reconnect = reconnect;
    this.endpoint = endpoint;
    this.limits = limits;
    this.bodyBuffers = new BodyBuffers(limits.bufferBytes());
  }

  @Override
  public List<LegacyFolder> listFolders() {
    return FolderLister.list(connection, user, endpoint.listPrefix());
  }

  @Override
  public FolderSnapshot examine(String legacyName) {
    Objects.requireNonNull(legacyName, "legacyName");
    selected = null;
    FolderSnapshot snapshot = FolderExaminer.examine(connection, legacyName, selectsFolders());
    Long known = uidValidities.putIfAbsent(legacyName, snapshot.uidValidity());
    if (known != null && known != snapshot.uidValidity()) {
      throw new LegacyException(Kind.UIDVALIDITY_CHANGED, "folder " + legacyName
          + ": UIDVALIDITY changed from " + known + " to " + snapshot.uidValidity() + " during this session");
    }
    selected = legacyName;
    return snapshot;
  }

  /**
   * SELECT, not EXAMINE: with {@code imapc_features = no-examine}, and always on Courier-IMAP (review 20: its EXAMINE
   * numbers a folder's new mail for that session only, and a folder never SELECTed anew in every session; late mail was
   * then missed without a word). Told once per process.
   */
  private boolean selectsFolders() {
    if (endpoint.hasFeature("no-examine")) {
      return true;
    }
    if (!connection.isCourier()) {
      return false;
    }
    if (COURIER_TOLD.compareAndSet(false, true)) {
      LOG.info("{}: the legacy server is Courier-IMAP: its folders are opened with SELECT, as with imapc_features ="
          + " no-examine (Courier numbers mail for good only then; fetches still PEEK, nothing is expunged)",
          connection.peer());
    }
    return true;
  }

  @Override
  public Optional<String> otherUsersOrSharedNamespace(String legacyName) {
    if (namespaces == null) {
      namespaces = FolderLister.namespaces(connection);
    }
    Optional<LegacyNamespaces.Namespace> foreign = namespaces.flatMap(n -> n.foreign(legacyName));
    if (foreign.isEmpty()
        || new FolderNameMapper(endpoint.listPrefix()).insideListPrefix(legacyName, foreign.get().separator())) {
      return Optional.empty();
    }
    return Optional.of(foreign.get().describe());
  }

  @Override
  public LegacyFolderStatus status(String legacyName) {
    Objects.requireNonNull(legacyName, "legacyName");
    return StatusQuery.status(connection, legacyName);
  }

  @Override
  public List<LegacyMessageInfo> fetchMetadata(String legacyName, long fromUid) {
    select(legacyName);
    if (connection.exists() == 0) {
      return List.of(); // some servers answer "1:*" on an empty folder with BAD
    }
    List<LegacyMessageInfo> result =
        MetadataFetcher.fetch(connection, fromUid, endpoint.hasFeature("rfc822.size"));
    checkUidValidity(legacyName);
    return result;
  }

  @Override
  public void fetchBodies(String legacyName, List<Long> uids, BodyConsumer consumer) {
    Objects.requireNonNull(consumer, "consumer");
    long[] sorted = uids.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    if (sorted.length == 0) {
      return;
    }
    if (sorted[0] < 1 || sorted[sorted.length - 1] > 0xffffffffL) {
      throw new IllegalArgumentException("UIDs must be between 1 and 2^32-1");
    }
    select(legacyName);
    BodyFetcher fetcher = new BodyFetcher(new FetchInbox(connection, bodyBuffers), limits, () -> resume(legacyName));
    try {
      fetcher.fetch(sorted, consumer);
    } finally {
      if (!fetcher.unasked().isEmpty()) {
        LOG.warn("{}: {}: ignored {}: a broken server; nothing was stored from them", connection.peer(), legacyName,
            fetcher.unasked().describe());
      }
    }
    checkUidValidity(legacyName);
  }

  @Override
  public Map<Long, byte[]> fetchHeaders(String legacyName, List<Long> uids) {
    long[] sorted = uids.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    if (sorted.length == 0) {
      return Map.of();
    }
    select(legacyName);
    Map<Long, byte[]> headers = HeaderFetcher.fetch(connection, sorted);
    checkUidValidity(legacyName);
    return headers;
  }

  @Override
  public void close() {
    connection.close();
  }

  /**
   * Replaces the dead connection with a new one on the same folder; EXAMINE there fails with UIDVALIDITY_CHANGED
   * if the folder is not the one this session's UIDs belong to.
   */
  private FetchInbox resume(String legacyName) {
    connection.close();
    selected = null;
    connection = reconnect.get();
    examine(legacyName);
    return new FetchInbox(connection, bodyBuffers);
  }

  private void select(String legacyName) {
    if (!legacyName.equals(selected)) {
      examine(legacyName);
    }
  }

  private void checkUidValidity(String legacyName) {
    long changed = connection.changedUidValidity();
    if (changed != 0) {
      selected = null;
      throw new LegacyException(Kind.UIDVALIDITY_CHANGED, "folder " + legacyName
          + ": the server announced UIDVALIDITY " + changed + " after EXAMINE reported "
          + uidValidities.get(legacyName));
    }
  }
}
