package dovetail.proxy.imap;

import java.io.Closeable;
import java.io.IOException;
import java.util.Locale;
import javax.mail.Flags;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor.Responder;
import org.apache.james.imap.message.request.AppendRequest;
import org.apache.james.imap.message.request.ReplaceRequest;
import org.apache.james.imap.message.request.StoreRequest;
import reactor.core.publisher.Mono;

/**
 * The flags of STORE, APPEND and REPLACE, checked as Dovecot 2.3 checks them. James 3.8.1's parser takes any word
 * as a keyword, so {@code foo]} or {@code f%o} was stored (and announced in FLAGS, which clients then fail to parse),
 * and {@code \Foo} became a keyword that looks like a system flag. A keyword is an atom (RFC 3501 §9: no
 * atom-specials, no "]") of at most 50 characters: anything else gets {@code NO [CANNOT]}; an unknown system flag or
 * 8-bit data gets BAD.
 */
final class KeywordCheck {
  private static final String ATOM_SPECIALS = "(){ %*\"\\]";
  /** Dovecot's mail_max_keyword_length (default 50): a longer keyword is refused there, so here too. */
  static final int MAX_LENGTH = 50;
  private static final HumanReadableText TOO_LONG =
      new HumanReadableText("dovetail.imap.KEYWORD_TOO_LONG", "Keyword length too long.");

  private final StatusResponseFactory responses;

  KeywordCheck(StatusResponseFactory responses) {
    this.responses = responses;
  }

  /** {@code message} for James, or empty when it was refused here. */
  Mono<ImapMessage> check(ImapMessage message, Responder responder) {
    Flags flags = message instanceof StoreRequest store ? store.getFlags()
        : message instanceof AppendRequest append ? append.getFlags()
        : message instanceof ReplaceRequest replace ? replace.getFlags() : null;
    if (flags == null) {
      return Mono.just(message);
    }
    ImapRequest request = (ImapRequest) message;
    StatusResponse refusal = null;
    for (String keyword : flags.getUserFlags()) {
      refusal = refusal(request, keyword);
      if (refusal != null) {
        break;
      }
    }
    if (refusal == null) {
      return Mono.just(message);
    }
    StatusResponse answer = refusal;
    return Mono.fromRunnable(() -> {
      if (message instanceof Closeable literal) {
        close(literal);
      }
      Replies.send(responder, answer);
    });
  }

  private StatusResponse refusal(ImapRequest request, String keyword) {
    if (keyword.startsWith("\\")) {
      return responses.taggedBad(request.getTag(), request.getCommand(), new HumanReadableText(
          "dovetail.imap.SYSTEM_FLAG", "Invalid system flag " + keyword.toUpperCase(Locale.ROOT) + "."));
    }
    if (keyword.length() > MAX_LENGTH) {
      return responses.taggedNo(request.getTag(), null, TOO_LONG, ResponseCodeFix.plain("CANNOT"));
    }
    for (int i = 0; i < keyword.length(); i++) {
      char c = keyword.charAt(i);
      if (c > 0x7e) {
        return responses.taggedBad(request.getTag(), request.getCommand(),
            new HumanReadableText("dovetail.imap.EIGHT_BIT_KEYWORD", "8bit data in atom."));
      }
      if (c < 0x20 || ATOM_SPECIALS.indexOf(c) >= 0) {
        return responses.taggedNo(request.getTag(), null,
            new HumanReadableText("dovetail.imap.INVALID_KEYWORD", "Invalid characters in keyword."),
            ResponseCodeFix.plain("CANNOT"));
      }
    }
    return null;
  }

  /** The literal of a refused APPEND or REPLACE is not stored; its temporary file goes now. */
  private static void close(Closeable literal) {
    try {
      literal.close();
    } catch (IOException e) {
      // nothing to undo: the message was never stored
    }
  }
}
