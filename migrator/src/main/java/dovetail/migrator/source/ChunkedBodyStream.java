package dovetail.migrator.source;

import dovetail.migrator.source.FetchInbox.Piece;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;

/**
 * A large message as one stream, fetched in pieces {@code BODY.PEEK[]<offset.chunk>} while it is read.
 * RFC822.SIZE is not trusted (Exchange reports the stored size): the message ends at the first piece
 * shorter than asked for. One piece request is always in flight, so the server prepares the next piece
 * while the consumer writes this one. Memory: two pieces.
 *
 * <p>When the server stops delivering, {@link #read} throws an IOException and the failure stays
 * recorded here: {@link #sourceFailure()} for the connection (the whole fetch must stop),
 * {@link #messageFailure()} for this message only.
 */
final class ChunkedBodyStream extends InputStream {
  private final FetchInbox inbox;
  private final long uid;
  private final int chunk;
  private Piece current;
  private byte[] buffer;
  private int position;
  private int end;
  private long nextOffset;
  private String inFlight;
  private LegacyException sourceFailure;
  private String messageFailure;

  ChunkedBodyStream(FetchInbox inbox, long uid, Piece firstPiece, int chunk) {
    ByteArray first = firstPiece.data();
    this.inbox = inbox;
    this.uid = uid;
    this.chunk = chunk;
    this.current = firstPiece;
    this.buffer = first.getBytes();
    this.position = first.getStart();
    this.end = position + first.getCount();
    this.nextOffset = first.getCount();
    this.inFlight = request();
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

  String messageFailure() {
    return messageFailure;
  }

  private String request() {
    try {
      return inbox.requestPieces(Long.toString(uid), nextOffset, chunk);
    } catch (LegacyException e) {
      sourceFailure = e;
      return null;
    }
  }

  private boolean nextPiece() throws IOException {
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
      sourceFailure = e;
      throw new IOException("legacy server failed: " + e.getMessage(), e);
    } finally {
      inFlight = null;
    }
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
    if (data.getCount() >= chunk) {
      inFlight = request(); // pipelined: asked before this piece is consumed
    }
    return data.getCount() > 0;
  }
}
