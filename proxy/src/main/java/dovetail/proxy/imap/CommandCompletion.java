package dovetail.proxy.imap;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import reactor.core.publisher.Mono;

/**
 * Outermost processor: tells the {@link ImapFrameDecoder} that handed on a command when that command has been
 * processed and its responses flushed, so that the decoder can take the next one. James's connection handler
 * gives no such signal of its own. It also tells the selected {@link FolderView}, whose IDLE updates wait for it.
 */
final class CommandCompletion implements ImapProcessor {
  private final ImapProcessor delegate;
  private final Map<ImapMessage, Runnable> waiting = Collections.synchronizedMap(new IdentityHashMap<>());

  CommandCompletion(ImapProcessor delegate) {
    this.delegate = delegate;
  }

  /** {@code whenDone} runs once {@code message} has been processed (or its processing was cancelled). */
  void expect(ImapMessage message, Runnable whenDone) {
    waiting.put(message, whenDone);
  }

  @Override
  public void process(ImapMessage message, Responder responder, ImapSession session) {
    processReactive(message, responder, session).block();
  }

  @Override
  public Mono<Void> processReactive(ImapMessage message, Responder jamesResponder, ImapSession session) {
    Runnable whenDone = waiting.remove(message);
    Responder responder = new SerializedResponder(jamesResponder);
    Mono<Void> processing = Mono.defer(() -> delegate.processReactive(message, responder, session));
    if (whenDone == null) {
      return processing;
    }
    // Runs after James's own flush at the command's end (which is not serialized: nothing else may write then).
    return processing.doFinally(signal -> {
      try {
        // The responses go out before the next command is even looked at (and before any "+" it needs).
        responder.flush();
      } finally {
        try {
          if (session.getSelected() instanceof FolderView view) {
            view.commandAnswered();
          }
        } finally {
          whenDone.run();
        }
      }
    });
  }

  @Override
  public void configure(ImapConfiguration configuration) {
    delegate.configure(configuration);
  }
}
