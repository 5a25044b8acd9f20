package dovetail.proxy.search;

import java.util.Locale;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.decode.parser.UidCommandParser;

/**
 * James's command parsers plus SORT, and SEARCH reading UTF-8 by default ({@link Utf8SearchCommandParser}). James's
 * UID parser looks its sub-command up in the factory it was built with, so it is built here again over this factory
 * for "UID SORT" and "UID SEARCH" to be found.
 */
final class SearchParsers implements ImapCommandParserFactory {
  private final ImapCommandParserFactory james;
  private final ImapCommandParser sort;
  private final ImapCommandParser search;
  private final ImapCommandParser uid;

  SearchParsers(StatusResponseFactory responses) {
    this.james = new ImapParserFactory(responses);
    this.sort = new SortCommandParser(responses);
    this.search = new Utf8SearchCommandParser(responses);
    this.uid = new UidCommandParser(this, responses);
  }

  @Override
  public ImapCommandParser getParser(String commandName) {
    return switch (commandName.toUpperCase(Locale.ROOT)) {
      case "SORT" -> sort;
      case "SEARCH" -> search;
      case "UID" -> uid;
      default -> james.getParser(commandName);
    };
  }
}
