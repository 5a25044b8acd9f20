package dovetail.proxy.search;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.parser.SearchCommandParser;
import org.apache.james.imap.api.ImapMessage;

/**
 * {@code SORT (sort-criteria) charset search-key...} (RFC 5256 §4). It extends James's SEARCH parser for two
 * reasons only: its search-key grammar (searchKey, protected) is reused rather than rewritten, and James's
 * UidCommandParser accepts "UID x" only for parsers of its package-private AbstractUidCommandParser type, which
 * SearchCommandParser is.
 */
final class SortCommandParser extends SearchCommandParser {
  private final StatusResponseFactory responses;

  SortCommandParser(StatusResponseFactory responses) {
    super(responses);
    this.responses = responses;
  }

  @Override
  protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session)
      throws DecodingException {
    List<SortKey> keys = criteria(request);
    request.consumeChar(' ');
    String charsetName = request.astring();
    Charset charset;
    try {
      charset = Charset.forName(charsetName);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      // RFC 5256 §4: an unsupported charset is NO, not BAD
      return responses.taggedNo(tag, SortRequest.SORT, HumanReadableText.BAD_CHARSET,
          StatusResponse.ResponseCode.badCharset());
    }
    Context context = new Context();
    context.setCharset(charset);
    List<SearchKey> search = new ArrayList<>();
    do {
      request.consumeChar(' ');
      search.add(searchKey(session, request, context, false));
    } while (request.nextChar() == ' ');
    request.eol();
    SearchKey key = search.size() == 1 ? search.get(0) : SearchKey.buildAnd(search);
    SearchNesting.check(key);
    return new SortRequest(tag, keys, key, useUids);
  }

  private static List<SortKey> criteria(ImapRequestLineReader request) throws DecodingException {
    request.nextWordChar();
    request.consumeChar('(');
    List<SortKey> keys = new ArrayList<>();
    boolean reverse = false;
    while (true) {
      String word = request.atom().toUpperCase(Locale.ROOT);
      if (word.equals("REVERSE")) {
        if (reverse) {
          throw bad("REVERSE twice");
        }
        reverse = true;
      } else {
        keys.add(new SortKey(criterion(word), reverse));
        reverse = false;
      }
      char next = request.nextChar();
      if (next == ')') {
        request.consume();
        break;
      }
      request.consumeChar(' ');
    }
    if (reverse) {
      throw bad("REVERSE without a sort key");
    }
    return keys;
  }

  private static SortKey.Criterion criterion(String word) throws DecodingException {
    try {
      return SortKey.Criterion.valueOf(word);
    } catch (IllegalArgumentException e) {
      throw bad("unknown sort criterion");
    }
  }

  private static DecodingException bad(String why) {
    return new DecodingException(HumanReadableText.ILLEGAL_ARGUMENTS, why);
  }
}
