package dovetail.proxy.imap;

import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import reactor.core.publisher.Mono;

/** A response Dovetail sends itself, not through James's processors: it goes out at once, flushed. */
final class Replies {
  private Replies() {}

  static void send(Responder responder, ImapResponseMessage response) {
    responder.respond(response);
    responder.flush();
  }

  /** {@link #send} when subscribed, as a step of a reactive chain. */
  static <T> Mono<T> sendLater(Responder responder, ImapResponseMessage response) {
    return Mono.fromRunnable(() -> send(responder, response));
  }
}
