package dovetail.migrator.source;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the responses of pipelined {@code UID FETCH ... BODY.PEEK[]<offset.length>} commands. With
 * several commands in flight, an untagged FETCH cannot be tied to a command (RFC 3501 5.5), so each
 * body piece is filed under its UID and origin octet, and each tagged completion under its tag. Body
 * pieces of the usual shape are read by {@link BodyPieceParser}; Angus parses everything else.
 *
 * <p>Responses are read into one reused array; a body piece is copied from there into an array from
 * {@link BodyBuffers}, which whoever consumes the piece gives back ({@link #release}).
 */
final class FetchInbox {
  private static final Logger LOG = LoggerFactory.getLogger(FetchInbox.class);

  /** One BODY[] piece. {@code origin} is -1 when the server ignored the partial range and sent it all. */
  record Piece(ByteArray data, int origin) {
    int length() {
      return data == null ? 0 : data.getCount();
    }
  }

  private record Key(long uid, long offset) {}

  private final ImapConnection connection;
  private final Map<Key, Piece> pieces = new HashMap<>();
  private final Map<Long, String> unparsed = new HashMap<>();
  private final Map<String, Response> completions = new HashMap<>();
  private final Set<String> pending = new LinkedHashSet<>();
  private final BodyPieceParser bodies = new BodyPieceParser();
  private final BodyBuffers buffers;
  private ByteArray received = new ByteArray(RECEIVE_BYTES);
  private LongPredicate asked = uid -> true;
  private LongConsumer unasked = uid -> { };

  private static final int RECEIVE_BYTES = 64 * 1024;

  FetchInbox(ImapConnection connection, BodyBuffers buffers) {
    this.connection = connection;
    this.buffers = buffers;
  }

  /**
   * Which UIDs bodies are filed for from now on: a body for another is a broken server's, and is dropped and told to
   * {@code dropped}, which says so once for the whole fetch.
   */
  void askedFor(LongPredicate uids, LongConsumer dropped) {
    asked = uids;
    unasked = dropped;
  }

  /** Sends {@code UID FETCH <set> (UID BODY.PEEK[]<offset.length>)}; returns the tag. */
  String requestPieces(String uidSet, long offset, int length) {
    String tag = connection.send("UID FETCH " + uidSet + " (UID BODY.PEEK[]<" + offset + "." + length + ">)", null);
    pending.add(tag);
    return tag;
  }

  /** Reads until the command with this tag is complete; returns its tagged response. */
  Response await(String tag) {
    Response done;
    while ((done = completions.remove(tag)) == null) {
      ByteArray raw = connection.readRaw(received);
      if (bodies.parse(raw)) {
        file(bodies.uid(), bodies.origin(), keep(bodies.data()));
      } else {
        Response r = connection.parse(raw);
        if (r != null) {
          route(r);
        }
      }
    }
    pending.remove(tag);
    return done;
  }

  /**
   * The body bytes out of the reused receive array: copied into a pooled array, or, when larger than
   * any pooled array (a server that ignored the range), the receive array itself, replaced by a new one.
   */
  private ByteArray keep(ByteArray body) {
    if (body.getCount() > BodyBuffers.LARGEST) {
      received = new ByteArray(RECEIVE_BYTES);
      return body;
    }
    byte[] copy = buffers.copyOf(body.getBytes(), body.getStart(), body.getCount());
    return new ByteArray(copy, 0, body.getCount());
  }

  /** Gives a piece's array back for reuse, once its bytes are no longer read. */
  void release(Piece piece) {
    if (piece != null && piece.data() != null) {
      buffers.release(piece.data().getBytes());
    }
  }

  /** The piece of {@code uid} that starts at {@code offset}, or null if the server sent none. */
  Piece take(long uid, long offset) {
    return pieces.remove(new Key(uid, offset));
  }

  /** Why a FETCH response about this UID could not be parsed, or null. */
  String unparsedReason(long uid) {
    return unparsed.get(uid);
  }

  /** Drops whatever is left of a message, e.g. a full body a server sent instead of a range. */
  void forget(long uid) {
    pieces.keySet().removeIf(k -> k.uid == uid);
  }

  boolean connectionDead() {
    return connection.isDead();
  }

  /** Completes every command still in flight, so that the connection can take the next command. */
  void drain() {
    for (String tag : Set.copyOf(pending)) {
      await(tag);
    }
    pieces.clear();
    completions.clear();
  }

  private void route(Response r) {
    if (r.isTagged()) {
      completions.put(r.getTag(), r);
    } else if (r instanceof UnparsedFetch u) {
      unparsed.put(u.uid(), u.reason());
    } else if (r instanceof FetchResponse f) {
      UID uid = f.getItem(UID.class);
      BODY body = f.getItem(BODY.class);
      // Unsolicited FETCHes (flag changes by other sessions) carry no BODY: not ours.
      if (uid != null && body != null && body.getSection().isEmpty()) {
        file(uid.uid, body.getOrigin(), body.getByteArray());
      }
    }
  }

  /**
   * Files a piece for {@link #take}. A second piece for the same UID and offset is a broken server's second
   * message under one UID: the first one stays (as the metadata pass keeps the first listed), the other is
   * dropped with a warning; the metadata pass counts such a UID as a skipped duplicate.
   */
  private void file(long uid, int origin, ByteArray data) {
    if (!asked.test(uid)) {
      unasked.accept(uid);
      return;
    }
    Piece first = pieces.putIfAbsent(new Key(uid, Math.max(0, origin)), new Piece(data, origin));
    if (first != null) {
      LOG.warn("{}: the server sent a second body for UID {} (offset {}); the first one is kept", connection.peer(),
          uid, Math.max(0, origin));
    }
  }
}
