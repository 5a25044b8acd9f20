package dovetail.proxy.imap;

import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;

/**
 * A command whose literal is announced with a size that is no number ({@code APPEND INBOX {-1}}) is answered
 * "BAD Invalid literal size", in Dovecot's words: James's parsers report it as "IO failure" (APPEND) or as an
 * encoding error that {@link MailboxNameGuard} took for an invalid mailbox name. {@link FrameReader} tells which.
 */
final class LiteralSizeCheck {
  static final HumanReadableText INVALID_LITERAL_SIZE =
      new HumanReadableText("dovetail.imap.INVALID_LITERAL_SIZE", "Invalid literal size");

  private LiteralSizeCheck() {}

  /** Every parser of {@code parsers}, answering an invalid literal size as such. */
  static ImapCommandParserFactory over(ImapCommandParserFactory parsers, StatusResponseFactory responses) {
    return name -> {
      ImapCommandParser parser = parsers.getParser(name);
      if (parser == null) {
        return null;
      }
      return (request, tag, session) -> {
        ImapMessage parsed = parser.parse(request, tag, session);
        if (request instanceof FrameReader frame && frame.sawInvalidLiteralSize()) {
          return responses.taggedBad(tag, null, INVALID_LITERAL_SIZE);
        }
        return parsed;
      };
    };
  }
}
