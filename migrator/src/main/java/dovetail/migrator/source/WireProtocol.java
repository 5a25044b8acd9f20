package dovetail.migrator.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.util.MailLogger;

/**
 * Angus's IMAP protocol object, widened by four things. FETCH responses that do not parse are kept
 * (see {@link UnparsedFetch}). A response can be read raw and parsed later, or not at all (see
 * {@link BodyPieceParser}). On a plain connection responses are framed over our own buffer (see
 * {@link BufferedResponseInput}). And a LOGIN that sends the strings as UTF-8 (Angus's
 * own sends only the low byte of each char) with the wire trace suspended, so that the password never
 * reaches a log even when someone turns protocol tracing on.
 */
final class WireProtocol extends IMAPProtocol {
  /** While {@link #parse} runs: the raw response that Angus's parser reads instead of the socket. */
  private ResponseInputStream replay;
  /**
   * Once {@link #frameResponsesOurselves} switched: where every response is read from. No initializer, on purpose:
   * Angus's constructor reads the greeting through {@link #getInputStream}, which sets it, before this class's
   * field initializers would run.
   */
  private BufferedResponseInput framing;
  /** Whether the greeting came. No initializer either: Angus's constructor reads the greeting. */
  private boolean greeted;
  /** The greeting's text after its status (and response code), e.g. "Courier-IMAP ready. ...". */
  private String greetingText;

  WireProtocol(String host, int port, Properties props, boolean ssl, MailLogger logger)
      throws IOException, ProtocolException {
    super("imap", host, port, props, ssl, logger);
  }

  /** Like Angus's, but a FETCH that does not parse comes back as {@link UnparsedFetch}, not as an exception. */
  @Override
  public Response readResponse() throws IOException, ProtocolException {
    IMAPResponse r = greeted ? new IMAPResponse(this) : greeting();
    if (!r.keyEquals("FETCH")) {
      return r;
    }
    try {
      return new FetchResponse(r, getFetchItems());
    } catch (ParsingException e) {
      return new UnparsedFetch(r, e.getMessage());
    }
  }

  /**
   * The first response, which Angus's constructor reads once the connection is made: a read that times out here is
   * a server that accepted the connection and said nothing, told apart from a connect that timed out.
   */
  private IMAPResponse greeting() throws IOException, ProtocolException {
    IMAPResponse r;
    try {
      r = new IMAPResponse(this);
    } catch (SocketTimeoutException e) {
      throw new NoGreetingException(e);
    }
    greeted = true;
    greetingText = r.getRest();
    return r;
  }

  /** The greeting's text (after its response code); empty before it came. */
  String greetingText() {
    return greetingText == null ? "" : greetingText;
  }

  /** The connection was made, and the server sent no greeting before the read timed out. */
  static final class NoGreetingException extends SocketTimeoutException {
    NoGreetingException(SocketTimeoutException cause) {
      super("no greeting: " + cause.getMessage());
      initCause(cause);
    }
  }

  /**
   * The next response's bytes as they came (literals inline, the final CRLF included), in an array of
   * its own, so that a caller may keep parts of it.
   */
  ByteArray readRaw() throws IOException {
    return getInputStream().readResponse(null);
  }

  /** Like {@link #readRaw()}, into {@code reuse} (grown when too small): valid until the next read into it. */
  ByteArray readRaw(ByteArray reuse) throws IOException {
    return getInputStream().readResponse(reuse);
  }

  /** Angus's parse of a response from {@link #readRaw}, as {@link #readResponse} would have given it. */
  Response parse(ByteArray raw) throws IOException, ProtocolException {
    replay = new ResponseInputStream(new ByteArrayInputStream(raw.getBytes(), raw.getStart(), raw.getCount()));
    try {
      return readResponse();
    } finally {
      replay = null;
    }
  }

  /**
   * Where Angus's response parser takes its bytes from: the replay during {@link #parse}, else the connection, framed
   * by us wherever that is safe (Angus asks for it at the start of every response, the greeting's included).
   */
  @Override
  protected ResponseInputStream getInputStream() {
    if (replay != null) {
      return replay;
    }
    if (framing == null) {
      try {
        frameResponsesOurselves();
      } catch (IOException e) {
        // Angus's framing, then; its read will meet the same failure.
      }
    }
    return framing != null ? framing : super.getInputStream();
  }

  @Override
  public boolean hasResponse() {
    try {
      return getInputStream().available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * From now on, frames responses with {@link BufferedResponseInput} instead of Angus's stream, where that is safe:
   * a plain connection over a socket channel (mail.imap.usesocketchannels) or a TLS one whose socket we made
   * ({@link TlsSocketRecorder}), with nothing read ahead by Angus. Called between responses ({@link #getInputStream}
   * tries it at each until it works). Returns whether our framing is in use: only then is a response's length
   * bounded.
   */
  boolean frameResponsesOurselves() throws IOException {
    if (framing != null) {
      return true;
    }
    SocketChannel channel = getChannel();
    Socket socket = isSSL()
        ? props.get("mail.imap.ssl.socketFactory") instanceof TlsSocketRecorder tls ? tls.last() : null
        : channel != null ? channel.socket() : null;
    if (socket == null) {
      return false;
    }
    InputStream in = socket.getInputStream();
    // Angus's stream offers what it buffered plus what the socket has: equal means it buffered nothing (the socket
    // is asked first, and what arrives in between only makes Angus's count larger, which declines, safely).
    int waiting = in.available();
    if (super.getInputStream().available() != waiting) {
      return false;
    }
    framing = new BufferedResponseInput(in);
    return true;
  }

  /**
   * STARTTLS, after which the next response is framed over the TLS socket ({@link #getInputStream}): what the old
   * framing may hold was sent in clear after the server's OK, and is dropped, as Angus drops its own (RFC 3501 11.1
   * forbids acting on it).
   */
  @Override
  public void startTLS() throws ProtocolException {
    super.startTLS();
    framing = null;
  }

  Response[] loginUtf8(String user, String password) {
    Argument args = new Argument();
    args.writeString(user, StandardCharsets.UTF_8);
    args.writeString(password, StandardCharsets.UTF_8);
    boolean tracing = isTracing();
    if (tracing) {
      suspendTracing();
    }
    try {
      return command("LOGIN", args);
    } finally {
      if (tracing) {
        resumeTracing();
      }
    }
  }
}
