package dovetail.migrator.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.util.MailLogger;

/**
 * Angus's IMAP protocol object, widened by two things. FETCH responses that do not parse are kept
 * (see {@link UnparsedFetch}). And a LOGIN that sends the strings as UTF-8 (Angus's
 * own sends only the low byte of each char) with the wire trace suspended, so that the password never
 * reaches a log even when someone turns protocol tracing on.
 */
final class WireProtocol extends IMAPProtocol {
  WireProtocol(String host, int port, Properties props, boolean ssl, MailLogger logger)
      throws IOException, ProtocolException {
    super("imap", host, port, props, ssl, logger);
  }

  /** Like Angus's, but a FETCH that does not parse comes back as {@link UnparsedFetch}, not as an exception. */
  @Override
  public Response readResponse() throws IOException, ProtocolException {
    IMAPResponse r = new IMAPResponse(this);
    if (!r.keyEquals("FETCH")) {
      return r;
    }
    try {
      return new FetchResponse(r, getFetchItems());
    } catch (ParsingException e) {
      return new UnparsedFetch(r, e.getMessage());
    }
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
