package dovetail.proxy.imap;

import java.util.Locale;
import org.apache.james.core.Username;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.base.AbstractImapCommandParser;
import org.apache.james.imap.message.request.LoginRequest;

/**
 * LOGIN whose unquoted arguments may hold '*' and '%', so that Dovecot's master-user login {@code LOGIN
 * user*master password} works as clients send it (Python's imaplib leaves the user name unquoted). RFC 3501 keeps
 * list-wildcards out of atoms, and James 3.8.1's LoginCommandParser answers BAD; Dovecot's imap-parser.c reads an
 * atom up to a space, a parenthesis or a control character, and accepts it.
 */
final class LoginParser extends AbstractImapCommandParser {
  private LoginParser(StatusResponseFactory responses) {
    super(ImapConstants.LOGIN_COMMAND, responses);
  }

  /** {@code parsers} with LOGIN parsed here. */
  static ImapCommandParserFactory over(ImapCommandParserFactory parsers, StatusResponseFactory responses) {
    LoginParser login = new LoginParser(responses);
    return name -> "LOGIN".equals(name.toUpperCase(Locale.ROOT)) ? login : parsers.getParser(name);
  }

  @Override
  protected ImapMessage decode(ImapRequestLineReader request, Tag tag, ImapSession session) throws DecodingException {
    Username user = Username.of(argument(request));
    String password = argument(request);
    request.eol();
    return new LoginRequest(user, password, tag);
  }

  private static String argument(ImapRequestLineReader request) throws DecodingException {
    char next = request.nextWordChar();
    if (next == '"' || next == '{') {
      return request.astring();
    }
    return request.consumeWord(c -> ImapRequestLineReader.isCHAR(c) && c > ' ' && c != '(' && c != ')' && c != '{'
        && c != '"' && c != '\\');
  }
}
