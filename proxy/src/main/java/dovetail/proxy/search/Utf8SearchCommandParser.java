package dovetail.proxy.search;

import java.nio.charset.StandardCharsets;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.request.SearchKey;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.DecodingException;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.decode.parser.SearchCommandParser;
import org.apache.james.imap.message.request.SearchRequest;

/**
 * James's SEARCH, reading the strings of a search without CHARSET as UTF-8 (of which US-ASCII, the default RFC 3501
 * names, is a part), as Dovecot does: James refused {@code SEARCH SUBJECT "Grüße"} from a client that sends UTF-8
 * without saying so with {@code BAD Illegal encoding} (walk-through 8, W8). A CHARSET given still rules.
 */
final class Utf8SearchCommandParser extends SearchCommandParser {
  Utf8SearchCommandParser(StatusResponseFactory responses) {
    super(responses);
  }

  @Override
  protected ImapMessage decode(ImapRequestLineReader request, Tag tag, boolean useUids, ImapSession session)
      throws DecodingException {
    ImapMessage decoded = super.decode(request, tag, useUids, session);
    if (decoded instanceof SearchRequest search) {
      SearchNesting.check(search.getSearchOperation().getSearchKey());
    }
    return decoded;
  }

  @Override
  protected SearchKey searchKey(ImapSession session, ImapRequestLineReader request, Context context,
      boolean isFirstToken) throws DecodingException {
    if (context.getCharset() == null) {
      context.setCharset(StandardCharsets.UTF_8);
    }
    return super.searchKey(session, request, context, isFirstToken);
  }
}
