package dovetail.proxy.imap;

import java.util.List;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.SearchRequest;
import org.apache.james.imap.message.response.SearchResponse;
import org.apache.james.imap.api.message.request.SearchResultOption;
import reactor.core.publisher.Mono;

/**
 * {@code SEARCH RETURN (SAVE)} keeps its result for {@code $} and returns none (RFC 5182 §2.1: SAVE alone asks for
 * no ESEARCH, and the result is not shown otherwise either), as Dovecot answers. James 3.8.1's SearchProcessor
 * sent the result as an untagged SEARCH, which a client pipelining {@code SEARCH RETURN (SAVE)} and {@code FETCH $}
 * does not expect.
 */
final class SaveOnlySearch implements ImapProcessor {
  private final ImapProcessor james;

  SaveOnlySearch(ImapProcessor james) {
    this.james = james;
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
    if (!(message instanceof SearchRequest search) || !savesOnly(search)) {
      return james.processReactive(message, responder, session);
    }
    return james.processReactive(message, new Responder() {
      @Override
      public void respond(ImapResponseMessage response) {
        if (!(response instanceof SearchResponse)) {
          responder.respond(response);
        }
      }

      @Override
      public void flush() {
        responder.flush();
      }
    }, session);
  }

  private static boolean savesOnly(SearchRequest search) {
    List<SearchResultOption> options = search.getSearchOperation().getResultOptions();
    return options != null && !options.isEmpty() && options.stream().allMatch(o -> o == SearchResultOption.SAVE);
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    james.configure(configuration);
  }
}
