package dovetail.proxy.lmtp;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

/**
 * One connection's lines that {@link LmtpLineFramer} passed on in pieces, on the session's executor. Inside DATA, a
 * long line's first piece goes to James's DATA handler as any line does (which removes a stuffed dot); the pieces after
 * it begin in the middle of the line, so they are appended to the message as they are: James would take a leading dot
 * for stuffing, or a last piece ".\r\n" for the end of DATA. Outside DATA, a long line gets one
 * {@link #LINE_TOO_LONG}, as from Dovecot, and is dropped; the next line is the next command.
 */
final class LinePieces {
  static final Response LINE_TOO_LONG = new SMTPResponse("500", "5.5.2 Line too long").immutable();

  /** Whether the next piece begins a line. */
  private boolean atLineStart = true;

  /**
   * Takes, and releases, what James must not see as a line; returns false, taking nothing, for what James handles as
   * before: a whole line, or the first piece of a long line inside DATA.
   *
   * @throws IOException if a piece cannot be appended to the message (James then ends the session with a 451)
   */
  boolean take(ProtocolSession session, ByteBuf piece) throws IOException {
    boolean first = atLineStart;
    atLineStart = piece.isReadable() && piece.getByte(piece.writerIndex() - 1) == '\n';
    Optional<MailEnvelope> message = session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction);
    if (first && (atLineStart || message.isPresent())) {
      return false;
    }
    try {
      if (message.isPresent()) {
        piece.getBytes(piece.readerIndex(), message.get().getMessageOutputStream(), piece.readableBytes());
      } else if (first) {
        ((ProtocolSessionImpl) session).getProtocolTransport().writeResponse(LINE_TOO_LONG, session);
      }
      return true;
    } finally {
      piece.release();
    }
  }
}
