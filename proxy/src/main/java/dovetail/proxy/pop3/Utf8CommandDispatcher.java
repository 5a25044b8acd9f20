package dovetail.proxy.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * James's dispatcher with command lines read as UTF-8, as Dovecot's POP3 server takes a USER or PASS argument (its
 * bytes, which the passdb compares). James reads them as US-ASCII, so a non-ASCII password never matched: PASS
 * answered -ERR [AUTH] to a user whom the legacy server and Dovecot let in.
 */
final class Utf8CommandDispatcher extends CommandDispatcher<POP3Session> {
  @Override
  protected Request parseRequest(POP3Session session, byte[] line) {
    String text = new String(line, StandardCharsets.UTF_8).trim();
    int space = text.indexOf(' ');
    String command = space > 0 ? text.substring(0, space) : text;
    String argument = space > 0 ? text.substring(space + 1) : null;
    return new BaseRequest(command.toUpperCase(Locale.US), argument);
  }
}
