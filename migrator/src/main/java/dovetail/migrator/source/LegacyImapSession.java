package dovetail.migrator.source;

import java.util.List;

/**
 * One logged-in connection to the legacy server. Read-only: nothing it does changes the legacy
 * mailbox (EXAMINE; SELECT only on Courier-IMAP or with {@code imapc_features = no-examine}, which clears \Recent
 * there; BODY.PEEK, never BODY; never STORE, EXPUNGE or CLOSE). Every method throws {@link LegacyException};
 * after UNAVAILABLE the session is dead and a new one must be opened.
 */
public interface LegacyImapSession extends AutoCloseable {
  /**
   * Every folder of the user's own: one LIST (with RFC 6154 SPECIAL-USE attributes when the server offers them) and
   * one LSUB, in the server's order; subscriptions to folders that LIST lacks come last, as {@code \NonExistent}.
   * When the server offers NAMESPACE (RFC 2342), folders in its other users' and shared namespaces are left out
   * (those below imapc_list_prefix excepted), and one INFO line counts them.
   */
  List<LegacyFolder> listFolders();

  /**
   * EXAMINEs the folder (SELECTs it on Courier or with {@code no-examine}; with CONDSTORE when offered). Later fetches
   * on the same folder check that its UIDVALIDITY stays the same.
   *
   * @throws LegacyException FOLDER_NOT_FOUND only when the folder is gone ({@code NO [NONEXISTENT]}, or LIST no
   *     longer shows it); FOLDER_REFUSED for any other NO; UIDVALIDITY_CHANGED if it differs from an earlier
   *     EXAMINE of this session
   */
  FolderSnapshot examine(String legacyName);

  /**
   * {@code STATUS (UIDVALIDITY UIDNEXT MESSAGES)} of a folder, without selecting it: whether mail arrived since a
   * recorded UIDNEXT. A session that cannot send STATUS answers from {@link #examine}.
   *
   * @throws LegacyException FOLDER_NOT_FOUND
   */
  default LegacyFolderStatus status(String legacyName) {
    FolderSnapshot s = examine(legacyName);
    return new LegacyFolderStatus(s.uidValidity(), s.uidNext(), s.messageCount(), s.highestModSeq());
  }

  /** Metadata of every message with UID >= fromUid, in UID order. */
  List<LegacyMessageInfo> fetchMetadata(String legacyName, long fromUid);

  /**
   * The other users' or shared namespace (RFC 2342 NAMESPACE) that holds {@code legacyName}, described for a message
   * ({@code shared "Public/"}); empty for the user's own folders, for a name inside imapc_list_prefix, and on a server
   * without NAMESPACE. Such folders are not the user's and are not migrated: LIST leaves them out ({@link #listFolders}),
   * and a migration asks this for a folder that an older build set up (walk-through 17, F1).
   */
  java.util.Optional<String> otherUsersOrSharedNamespace(String legacyName);

  /**
   * The exact bytes of the given messages (sorted, duplicates dropped), in batches of
   * {@link FetchLimits#batchMessages()} with BODY.PEEK so nothing gets \Seen. Every UID ends in exactly
   * one call of {@link BodyConsumer#accept} or {@link BodyConsumer#failed}, unless this method throws.
   * When it throws, the UIDs handed over so far form a prefix of the sorted list; if the connection
   * died, {@link LegacyException#messageUid()} names the first UID that was not handed over (see
   * there). Runtime exceptions from the consumer propagate unchanged; its IOExceptions come out as
   * {@link java.io.UncheckedIOException}. The session stays usable after a consumer's exception.
   */
  void fetchBodies(String legacyName, List<Long> uids, BodyConsumer consumer);

  /**
   * {@code BODY.PEEK[HEADER]} of the given messages (for POP3 UIDL matching); UIDs the server does not
   * answer for are missing from the map.
   */
  java.util.Map<Long, byte[]> fetchHeaders(String legacyName, List<Long> uids);

  /** LOGOUT, best effort; never throws. */
  @Override
  void close();
}
