package dovetail.proxy.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.parser.ListCommandParser;
import org.apache.james.imap.message.request.ListRequest;

/**
 * James's LIST parser, taking a parenthesized list of patterns too (RFC 5258 §3, "mbox-or-pat"): LIST-EXTENDED is
 * advertised, and James answered {@code LIST "" ("INBOX" "Other")} with BAD. A list of more than one pattern
 * becomes a {@link ListPatterns}; a LIST in RFC 3501's syntax, which only the parser can tell, gets special-use
 * attributes ({@link PlainListSpecialUse}). Parsers are shared by every connection and parse on one thread from start
 * to end, so the patterns read wait in a thread-local for {@link #decode} to pick them up.
 */
final class ListPatternsParser extends ListCommandParser {
  private final ThreadLocal<List<String>> patterns = new ThreadLocal<>();

  ListPatternsParser(StatusResponseFactory responses) {
    super(responses);
  }

  /** {@code parsers}, with LIST parsed here. */
  static ImapCommandParserFactory over(ImapCommandParserFactory parsers, StatusResponseFactory responses) {
    ImapCommandParser list = new ListPatternsParser(responses);
    return name -> "LIST".equals(name.toUpperCase(Locale.ROOT)) ? list : parsers.getParser(name);
  }

  @Override
  public String listMailbox(ImapRequestLineReader request) throws DecodingException {
    if (request.nextWordChar() != '(') {
      return super.listMailbox(request);
    }
    request.consumeChar('(');
    List<String> read = new ArrayList<>();
    while (request.nextWordChar() != ')') {
      read.add(pattern(request));
    }
    request.consumeChar(')');
    if (read.isEmpty()) {
      throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "empty list of patterns");
    }
    patterns.set(read);
    return read.get(0);
  }

  /** One pattern in the list: a string, or an atom of list-chars that ends before ')'. */
  private String pattern(ImapRequestLineReader request) throws DecodingException {
    char next = request.nextWordChar();
    if (next == '"' || next == '{') {
      return super.listMailbox(request);
    }
    return request.consumeWord(c -> c > ' ' && c < 0x7f && "(){\"\\".indexOf(c) < 0, true);
  }

  @Override
  protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session)
      throws DecodingException {
    patterns.remove();
    try {
      ImapMessage parsed = super.decode(request, tag, useUids, session);
      List<String> read = patterns.get();
      if (!(parsed instanceof ListRequest list)) {
        return parsed;
      }
      if (read == null) {
        return PlainListSpecialUse.of(list);
      }
      return read.size() > 1 ? new ListPatterns(list, read) : parsed;
    } finally {
      patterns.remove();
    }
  }
}
