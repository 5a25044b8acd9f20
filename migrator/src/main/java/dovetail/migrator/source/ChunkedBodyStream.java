package dovetail.migrator.source;

import dovetail.migrator.source.FetchInbox.Piece;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A large message as one stream, fetched in pieces {@code BODY.PEEK[]<offset.chunk>} while it is read.
 * RFC822.SIZE is not trusted (Exchange reports the stored size): the message ends at the first piece
 * shorter than asked for. One piece request is always in flight, so the server prepares the next piece
 * while the consumer writes this one. Memory: two pieces.
 *
 * <p>A connection that drops in the middle costs only the piece in flight: the stream goes on from the
 * same offset on a new connection to the same folder ({@code resume}, which checks the UIDVALIDITY), so a
 * message larger than what a flaky link carries per connection still arrives whole. A connection that
 * dies before it delivers a piece halves the piece size; {@value #FRUITLESS_RESUMES} such connections in a row,
 * or a resume that fails, end the stream.
 *
 * <p>When the server stops delivering, {@link #read} throws an IOException and the failure stays
 * recorded here: {@link #sourceFailure()} for the connection (the whole fetch must stop),
 * {@link #messageFailure()} for this message only.
 */
final class ChunkedBodyStream extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkedBodyStream.class);
  static final int FRUITLESS_RESUMES = 3;
  private static final int SMALLEST_CHUNK = 64 * 1024;

  private final Supplier<FetchInbox> resume;
  private final long uid;
  private FetchInbox inbox;
  private int chunk;
  /** The length asked for by the request in flight: a shorter piece is the message's last. */
  private int asked;
  private Piece current;
  private byte[] buffer;
  private int position;
  private int end;
  private long nextOffset;
  private String inFlight;
  /** The connection died and the stream has not yet tried to go on without it. */
  private LegacyException death;
  private long resumedAt = -1;
  private int fruitless;
  private LegacyException sourceFailure;
  private String messageFailure;

  /** @param resume a new connection on the same folder, or null: a dropped connection ends the stream */
  ChunkedBodyStream(FetchInbox inbox, long uid, Piece firstPiece, int chunk, Supplier<FetchInbox> resume) {
    ByteArray first = firstPiece.data();
    this.inbox = inbox;
    this.resume = resume;
    this.uid = uid;
    this.chunk = chunk;
    this.current = firstPiece;
    this.buffer = first.getBytes();
    this.position = first.getStart();
    this.end = position + first.getCount();
    this.nextOffset = first.getCount();
    request();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (position == end) {
      if (!nextPiece()) {
        return -1;
      }
    }
    int n = Math.min(length, end - position);
    System.arraycopy(buffer, position, into, offset, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return end - position;
  }

  /** Completes the piece request still in flight, so no stray response is left behind. */
  @Override
  public void close() {
    if (inFlight != null && sourceFailure == null) {
      try {
        inbox.await(inFlight);
      } catch (LegacyException e) {
        sourceFailure = e;
      }
      inFlight = null;
    }
    inbox.forget(uid);
    inbox.release(current);
    current = null;
    buffer = null;
    position = end = 0;
  }

  LegacyException sourceFailure() {
    return sourceFailure;
  }

  /** The fetch's inbox now: another than the one given when the stream went on over a new connection. */
  FetchInbox inbox() {
    return inbox;
  }

  String messageFailure() {
    return messageFailure;
  }

  private void request() {
    asked = chunk;
    try {
      inFlight = inbox.requestPieces(Long.toString(uid), nextOffset, chunk);
    } catch (LegacyException e) {
      inFlight = null;
      death = e;
    }
  }

  /**
   * Goes on from {@code nextOffset} over a new connection, when the old one was dropped or went silent (not when
   * the server asked to slow down). Returns false when it may not or could not.
   */
  private boolean resumeAfter(LegacyException e) {
    if (resume == null || e.kind() != LegacyException.Kind.UNAVAILABLE || !inbox.connectionDead()) {
      return false;
    }
    if (nextOffset == resumedAt) {
      fruitless++;
      chunk = Math.max(SMALLEST_CHUNK, chunk / 2);
    } else {
      fruitless = 0;
    }
    if (fruitless >= FRUITLESS_RESUMES) {
      return false;
    }
    resumedAt = nextOffset;
    FetchInbox fresh;
    try {
      fresh = resume.get();
    } catch (LegacyException failed) {
      if (failed.kind() == LegacyException.Kind.UIDVALIDITY_CHANGED) {
        sourceFailure = failed; // the bytes so far belong to another message now: nothing may be mixed
      } else {
        e.addSuppressed(failed);
      }
      return false;
    }
    LOG.warn("legacy UID {}: the connection failed at byte {} ({}); going on from there over a new connection",
        uid, nextOffset, e.getMessage());
    inbox = fresh;
    request();
    return true;
  }

  private boolean nextPiece() throws IOException {
    while (true) {
      if (death != null) {
        LegacyException e = death;
        death = null;
        if (!resumeAfter(e) && sourceFailure == null) {
          sourceFailure = e;
        }
        continue;
      }
      if (sourceFailure != null) {
        throw new IOException("legacy server failed: " + sourceFailure.getMessage(), sourceFailure);
      }
      if (messageFailure != null) {
        throw new IOException(messageFailure);
      }
      if (inFlight == null) {
        return false;
      }
      Response done;
      try {
        done = inbox.await(inFlight);
      } catch (LegacyException e) {
        death = e;
        continue;
      } finally {
        inFlight = null;
      }
      return received(done);
    }
  }

  /** Takes the piece the request just completed brought; returns whether it has bytes. */
  private boolean received(Response done) throws IOException {
    Piece piece = inbox.take(uid, nextOffset);
    if (piece == null || piece.data() == null || piece.origin() != nextOffset) {
      if (!done.isOK() && ImapFailures.isThrottle(done)) {
        sourceFailure = ImapFailures.fromResponse(done, LegacyException.Kind.THROTTLED, "UID FETCH " + uid);
        throw new IOException(sourceFailure.getMessage(), sourceFailure);
      }
      messageFailure = "UID " + uid + ": no bytes at offset " + nextOffset
          + (piece != null && piece.origin() < 0 ? " (the server ignored the partial range)" : "")
          + (done.isOK() ? "" : ": server said " + ImapFailures.text(done));
      inbox.forget(uid);
      throw new IOException(messageFailure);
    }
    ByteArray data = piece.data();
    inbox.release(current);
    current = piece;
    buffer = data.getBytes();
    position = data.getStart();
    end = position + data.getCount();
    nextOffset += data.getCount();
    if (data.getCount() >= asked) {
      request(); // pipelined: asked before this piece is consumed
    }
    return data.getCount() > 0;
  }
}
