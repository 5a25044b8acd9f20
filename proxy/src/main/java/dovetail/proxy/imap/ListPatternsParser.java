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
 * becomes a {@link ListPatterns}; a LIST in RFC 3501's syntax, which only the parser can tell (James parses
 * {@code LIST "" * RETURN ()} and {@code LIST () "" *} to the same request as {@code LIST "" *}), gets special-use
 * attributes ({@link PlainListSpecialUse}). Parsers are shared by every connection and parse on one thread from start
 * to end, so what was read waits in a thread-local for {@link #decode} to pick it up.
 */
final class ListPatternsParser extends ListCommandParser {
  /** What James's parser does not keep: the patterns of a list, and whether the LIST-EXTENDED syntax was used. */
  private static final class Read {
    List<String> patterns;
    boolean extended;
  }

  private final ThreadLocal<Read> read = new ThreadLocal<>();

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
    String first = patterns(request);
    Read line = read.get();
    if (line != null) {
      line.extended |= request.nextWordCharLenient().isPresent(); // RETURN follows
    }
    return first;
  }

  private String patterns(ImapRequestLineReader request) throws DecodingException {
    if (request.nextWordChar() != '(') {
      return super.listMailbox(request);
    }
    request.consumeChar('(');
    List<String> patterns = new ArrayList<>();
    while (request.nextWordChar() != ')') {
      patterns.add(pattern(request));
    }
    request.consumeChar(')');
    if (patterns.isEmpty()) {
      throw new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, "empty list of patterns");
    }
    Read line = read.get();
    if (line != null) {
      line.patterns = patterns;
    }
    return patterns.get(0);
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
    Read line = new Read();
    read.set(line);
    try {
      line.extended = request.nextWordChar() == '('; // selection options
      ImapMessage parsed = super.decode(request, tag, useUids, session);
      if (!(parsed instanceof ListRequest list)) {
        return parsed;
      }
      if (line.patterns != null) {
        return line.patterns.size() > 1 ? new ListPatterns(list, line.patterns) : parsed;
      }
      return line.extended ? parsed : PlainListSpecialUse.of(list);
    } finally {
      read.remove();
    }
  }
}
