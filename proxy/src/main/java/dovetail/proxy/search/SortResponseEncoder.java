package dovetail.proxy.search;

import java.io.IOException;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.ImapResponseComposer;

/** Writes {@link SortResponse}s; every other response goes to James's encoder. */
final class SortResponseEncoder implements ImapEncoder {
  private final ImapEncoder james;

  SortResponseEncoder(ImapEncoder james) {
    this.james = james;
  }

  @Override
  public void encode(ImapMessage message, ImapResponseComposer composer) throws IOException {
    if (!(message instanceof SortResponse sort)) {
      james.encode(message, composer);
      return;
    }
    composer.untagged();
    composer.commandName(SortRequest.SORT);
    for (long id : sort.ids()) {
      composer.message(id);
    }
    if (sort.highestModSeq() != null) {
      composer.openParen();
      composer.message("MODSEQ");
      composer.message(sort.highestModSeq().asLong());
      composer.closeParen();
    }
    composer.end();
  }
}
