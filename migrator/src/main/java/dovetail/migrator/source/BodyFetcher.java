package dovetail.migrator.source;

import dovetail.migrator.source.FetchInbox.Piece;
import dovetail.migrator.source.LegacyException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;

/**
 * Fetches bodies in pipelined batches: while the consumer stores batch n, the server is already
 * answering batches n+1 and n+2. Every message of a batch is asked for as {@code BODY.PEEK[]<0.first>}; those
 * that fill the whole range continue as a {@link ChunkedBodyStream}. So small messages cost one
 * command per batch, large ones stream with bounded memory, and RFC822.SIZE is never trusted.
 *
 * <p>When a large message went on over a new connection (see {@link ChunkedBodyStream}), the batches in flight
 * on the old one are lost with it: the fetch asks for the rest again over the new one.
 */
final class BodyFetcher {
  private final FetchLimits limits;
  private final int firstPiece;
  private final Supplier<FetchInbox> resume;
  private FetchInbox inbox;
  /** The UIDs of the fetch under way. */
  private LongPredicate asked = uid -> true;
  private final UnaskedBodies unasked = new UnaskedBodies();

  /** @param resume a new connection on the same folder for a large message cut short, or null */
  BodyFetcher(FetchInbox inbox, FetchLimits limits, Supplier<FetchInbox> resume) {
    this.inbox = inbox;
    this.limits = limits;
    this.firstPiece = limits.firstPieceBytes();
    this.resume = resume;
  }

  /** @param uids strictly ascending */
  void fetch(long[] uids, BodyConsumer consumer) {
    asked = uid -> Arrays.binarySearch(uids, uid) >= 0;
    inbox.askedFor(asked, unasked);
    int batch = limits.effectiveBatch();
    ArrayDeque<Batch> inFlight = new ArrayDeque<>();
    int next = 0;
    boolean finished = false;
    try {
      while (next < uids.length || !inFlight.isEmpty()) {
        // Top up before waiting, so the server always has queued work while we store.
        while (inFlight.size() < FetchLimits.BATCHES_IN_FLIGHT && next < uids.length) {
          int to = Math.min(uids.length, next + batch);
          inFlight.add(new Batch(inbox.requestPieces(UidSets.format(uids, next, to), 0, firstPiece), next, to));
          next = to;
        }
        Batch current = inFlight.poll();
        Response done;
        try {
          done = inbox.await(current.tag);
        } catch (LegacyException e) {
          throw salvage(uids, current, consumer, e);
        }
        if (!done.isOK() && (done.isBAD() || ImapFailures.isThrottle(done))) {
          throw ImapFailures.fromResponse(done, Kind.PROTOCOL, "UID FETCH bodies");
        }
        for (int i = current.from; i < current.to; i++) {
          FetchInbox before = inbox;
          try {
            deliver(uids[i], consumer);
          } catch (LegacyException e) {
            throw inbox.connectionDead() ? e.about(uids[i]) : e;
          }
          if (inbox != before) {
            inFlight.clear(); // their answers died with the old connection
            next = i + 1;
            break;
          }
        }
      }
      finished = true;
    } finally {
      if (!finished) {
        drainQuietly();
      }
    }
  }

  private record Batch(String tag, int from, int to) {}

  /** Bodies the server sent for UIDs this fetcher did not ask for, which were dropped. */
  UnaskedBodies unasked() {
    return unasked;
  }

  /**
   * The connection died while a batch was coming in. Some servers do that on purpose for a message
   * they cannot read (Dovecot: "BYE FETCH failed: Internal error"), so a reconnect that asks again
   * would die again. Hand over what did arrive, in UID order up to the first gap, and name the UID
   * at the gap, so that the caller can retry it on its own and give up on it if it kills again.
   */
  private LegacyException salvage(long[] uids, Batch batch, BodyConsumer consumer, LegacyException death) {
    if (!inbox.connectionDead()) {
      return death;
    }
    for (int i = batch.from; i < batch.to; i++) {
      Piece piece = inbox.take(uids[i], 0);
      if (piece == null || piece.data() == null || !(piece.origin() < 0 || piece.length() < firstPiece)) {
        return death.about(uids[i]);
      }
      try {
        consumer.accept(uids[i], piece.data().toByteArrayInputStream());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        inbox.release(piece);
      }
    }
    return death;
  }

  private void deliver(long uid, BodyConsumer consumer) {
    Piece piece = inbox.take(uid, 0);
    if (piece == null) {
      piece = retryAlone(uid, consumer);
      if (piece == null) {
        return;
      }
    }
    if (piece.data() == null) {
      consumer.failed(uid, "the server sent NIL for BODY[]");
      return;
    }
    boolean whole = piece.origin() < 0 || piece.length() < firstPiece;
    if (whole) {
      try {
        ByteArray data = piece.data();
        consumer.acceptWhole(uid, data.getBytes(), data.getStart(), data.getCount());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        inbox.release(piece);
      }
      return;
    }
    ChunkedBodyStream stream = new ChunkedBodyStream(inbox, uid, piece, limits.chunkBytes(), resume);
    try {
      consumer.accept(uid, stream);
    } catch (IOException e) {
      if (stream.sourceFailure() == null && stream.messageFailure() == null) {
        throw new UncheckedIOException(e); // the consumer's own failure
      }
    } catch (RuntimeException e) {
      if (stream.sourceFailure() == null && stream.messageFailure() == null) {
        throw e;
      }
    } finally {
      stream.close();
      if (inbox != stream.inbox()) {
        inbox = stream.inbox();
        inbox.askedFor(asked, unasked);
      }
    }
    if (stream.sourceFailure() != null) {
      throw stream.sourceFailure();
    }
    if (stream.messageFailure() != null) {
      consumer.failed(uid, stream.messageFailure());
    }
  }

  /**
   * A message missing from a batch reply (the batch got NO, or the server skipped it): ask for it on
   * its own, to tell one undeliverable message from its neighbours.
   */
  private Piece retryAlone(long uid, BodyConsumer consumer) {
    Response done = inbox.await(inbox.requestPieces(Long.toString(uid), 0, firstPiece));
    Piece piece = inbox.take(uid, 0);
    if (piece != null) {
      return piece;
    }
    if (!done.isOK() && (done.isBAD() || ImapFailures.isThrottle(done))) {
      throw ImapFailures.fromResponse(done, Kind.PROTOCOL, "UID FETCH " + uid);
    }
    String unparsed = inbox.unparsedReason(uid);
    consumer.failed(uid, unparsed != null ? "unparsable FETCH response: " + unparsed
        : done.isOK() ? "the server returned no body (expunged?)"
        : "the server refused: " + ImapFailures.text(done));
    return null;
  }

  private void drainQuietly() {
    try {
      inbox.drain();
    } catch (LegacyException e) {
      // The connection is dead already; the exception in flight says why.
    }
  }
}
