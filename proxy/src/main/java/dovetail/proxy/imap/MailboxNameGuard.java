package dovetail.proxy.imap;

import java.nio.charset.CharacterCodingException;
import java.util.Locale;
import java.util.Set;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.display.ModifiedUtf7;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.main.DefaultImapDecoder;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;

/**
 * James 3.8.1's decoder with mailbox names that are not valid modified UTF-7 (RFC 3501 §5.1.3) answered
 * {@code NO}, as Dovecot answers them. James decodes a mailbox argument while parsing (ImapRequestLineReader.mailbox
 * through ModifiedUtf7), and its charset throws {@link Error} wrapping a {@link CharacterCodingException}: nothing
 * between the parser and Netty catches an Error, so the connection was dropped. A name with 8-bit bytes is
 * answered {@code NO} the same way, and a LIST or LSUB pattern with them matches nothing ({@code OK}; James said BAD).
 * Each command parser is wrapped here, where the tag is still known.
 */
final class MailboxNameGuard {
  /** Dovecot's text (imap-commands-util.c), so that logs and clients read the same on both servers. */
  static final HumanReadableText INVALID_NAME =
      new HumanReadableText("dovetail.imap.INVALID_MUTF7", "Mailbox name is not valid mUTF-7");

  private MailboxNameGuard() {}

  static ImapDecoder decoder() {
    StatusResponseFactory responses = new UnpooledStatusResponseFactory();
    return new DefaultImapDecoder(responses, guarding(new ImapParserFactory(responses), responses));
  }

  /**
   * Commands whose only strings are mailbox names. A name with 8-bit bytes (no UTF8=ACCEPT) fails James's US-ASCII
   * decoding of the string ("Illegal encoding", or "IO failure" for a literal) and is answered BAD; here it is the
   * name that is invalid, and Dovecot answers NO. APPEND is not here: its date-time is a string too.
   */
  private static final Set<String> MAILBOX_COMMANDS =
      Set.of("CREATE", "DELETE", "RENAME", "SELECT", "EXAMINE", "STATUS", "SUBSCRIBE", "UNSUBSCRIBE", "COPY", "MOVE");
  /** Commands whose strings are patterns: one with 8-bit bytes matches no folder, and Dovecot answers OK. */
  private static final Set<String> PATTERN_COMMANDS = Set.of("LIST", "LSUB");
  private static final Set<String> ENCODING_FAILURES =
      Set.of(HumanReadableText.BAD_IO_ENCODING.getKey(), HumanReadableText.SOCKET_IO_FAILURE.getKey());

  /** Every parser of {@code parsers}, guarded. */
  static ImapCommandParserFactory guarding(ImapCommandParserFactory parsers, StatusResponseFactory responses) {
    return name -> {
      String command = name == null ? "" : name.toUpperCase(Locale.ROOT);
      return guard(parsers.getParser(name), MAILBOX_COMMANDS.contains(command), PATTERN_COMMANDS.contains(command),
          responses);
    };
  }

  private static ImapCommandParser guard(ImapCommandParser parser, boolean namesOnly, boolean patterns,
      StatusResponseFactory responses) {
    if (parser == null) {
      return null;
    }
    return (request, tag, session) -> {
      try {
        ImapMessage parsed = parser.parse(request, tag, session);
        if (parsed instanceof StatusResponse r && r.getServerResponseType() == StatusResponse.Type.BAD
            && r.getTextKey() != null && INVALID_NAME.getKey().equals(r.getTextKey().getKey())) {
          // FrameReader.mailbox refused the name: a mailbox is NO, a LIST or LSUB reference matches nothing
          return patterns ? responses.taggedOk(tag, r.getCommand(), HumanReadableText.COMPLETED)
              : responses.taggedNo(tag, null, INVALID_NAME);
        }
        if ((namesOnly || patterns) && parsed instanceof StatusResponse r
            && r.getServerResponseType() == StatusResponse.Type.BAD
            && r.getTextKey() != null && ENCODING_FAILURES.contains(r.getTextKey().getKey())) {
          return patterns ? responses.taggedOk(tag, r.getCommand(), HumanReadableText.COMPLETED)
              : responses.taggedNo(tag, null, INVALID_NAME);
        }
        return parsed;
      } catch (Error e) {
        if (!(e.getCause() instanceof CharacterCodingException)) {
          throw e;
        }
        ImapMessage no = responses.taggedNo(tag, null, INVALID_NAME);
        return no;
      }
    };
  }

  /**
   * Whether a LIST reference is valid modified UTF-7, judged by the same decoder James uses: the parser has decoded
   * it once already (FrameReader.mailbox), and James's ListProcessor decodes it again.
   */
  static boolean isValid(String name) {
    try {
      ModifiedUtf7.decodeModifiedUTF7(name);
      return true;
    } catch (Error e) {
      if (e.getCause() instanceof CharacterCodingException) {
        return false;
      }
      throw e;
    }
  }

  /** Whether a LIST pattern, as the client sent it, is valid modified UTF-7 as Dovecot reads a mailbox name. */
  static boolean isValidPattern(String pattern) {
    try {
      dovetail.store.ModifiedUtf7.decodeClientName(pattern);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
