package dovetail.proxy.search;

import java.util.Locale;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.decode.ImapCommandParser;
import org.apache.james.imap.decode.ImapCommandParserFactory;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.decode.parser.UidCommandParser;

/**
 * James's command parsers plus SORT. James's UID parser looks its sub-command up in the factory it was built
 * with, so it is built here again over this factory for "UID SORT" to be found.
 */
final class SortParsers implements ImapCommandParserFactory {
  private final ImapCommandParserFactory james;
  private final ImapCommandParser sort;
  private final ImapCommandParser uid;

  SortParsers(StatusResponseFactory responses) {
    this.james = new ImapParserFactory(responses);
    this.sort = new SortCommandParser(responses);
    this.uid = new UidCommandParser(this, responses);
  }

  @Override
  public ImapCommandParser getParser(String commandName) {
    return switch (commandName.toUpperCase(Locale.ROOT)) {
      case "SORT" -> sort;
      case "UID" -> uid;
      default -> james.getParser(commandName);
    };
  }
}
