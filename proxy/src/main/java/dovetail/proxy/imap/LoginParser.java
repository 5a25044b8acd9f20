package dovetail.proxy.imap;

import dovetail.proxy.auth.MasterLoginName;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
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
  private final MasterLoginName masterNames;

  private LoginParser(StatusResponseFactory responses, MasterLoginName masterNames) {
    super(ImapConstants.LOGIN_COMMAND, responses);
    this.masterNames = masterNames;
  }

  /** {@code parsers} with LOGIN parsed here; a master login's name ({@code user*master}) is split here. */
  static ImapCommandParserFactory over(ImapCommandParserFactory parsers, StatusResponseFactory responses,
      MasterLoginName masterNames) {
    LoginParser login = new LoginParser(responses, masterNames);
    return name -> "LOGIN".equals(name.toUpperCase(Locale.ROOT)) ? login : parsers.getParser(name);
  }

  @Override
  protected ImapMessage decode(ImapRequestLineReader request, Tag tag, ImapSession session) throws DecodingException {
    String name = argument(request);
    String password = argument(request);
    request.eol();
    Optional<MasterLoginName.Parts> master = masterNames.split(name);
    if (master.isPresent()) {
      return new MasterLoginRequest(master.get().userName(), master.get().masterName(), password, tag);
    }
    return new LoginRequest(Username.of(name), password, tag);
  }

  /**
   * {@code LOGIN user*master password}: the master user logs in as the user, as SASL PLAIN with an authorization id
   * does ({@link ClientLogins}). {@link #getUserid()} is the user.
   */
  static final class MasterLoginRequest extends LoginRequest {
    private final Username master;

    MasterLoginRequest(Username user, Username master, String password, Tag tag) {
      super(user, password, tag);
      this.master = master;
    }

    Username master() {
      return master;
    }
  }

  /**
   * A quoted string or literal is UTF-8, as Dovecot takes it (James's {@code astring()} is US-ASCII and answered BAD to
   * any non-ASCII password); an atom stays ASCII, as in Dovecot ("8bit data in atom").
   */
  private static String argument(ImapRequestLineReader request) throws DecodingException {
    char next = request.nextWordChar();
    if (next == '"' || next == '{') {
      return request.astring(StandardCharsets.UTF_8);
    }
    return request.consumeWord(c -> ImapRequestLineReader.isCHAR(c) && c > ' ' && c != '(' && c != ')' && c != '{'
        && c != '"' && c != '\\');
  }
}
