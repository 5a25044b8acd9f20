package dovetail.proxy.pop3;

import java.util.Collection;
import java.util.List;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;

/**
 * The message number (and TOP's line count) of LIST, UIDL, RETR, DELE and TOP, checked as Dovecot 2.3 checks them,
 * before James's handlers, which come after this one for the same commands. James 3.8.1 threw
 * ArrayIndexOutOfBoundsException on message 0 or a negative one (an ERROR with a stack trace per command, a bare
 * -ERR), took "+1" for 1, ignored what followed the number (so "DELE 1 2" deleted message 1), and sent the whole
 * message for "TOP n -1". Such arguments get Dovecot's -ERR; valid ones go on to James (null here).
 */
final class MessageNumbers implements CommandHandler<POP3Session> {
  @Override
  public Response onCommand(POP3Session session, Request request) {
    String argument = request.getArgument();
    if (session.getHandlerState() != POP3Session.TRANSACTION || argument == null || argument.isBlank()) {
      return null; // James's state and usage answers
    }
    String[] words = argument.trim().split("\\s+", 3);
    if (!digits(words[0])) {
      return error("Invalid message number: " + words[0]);
    }
    if (words[0].chars().allMatch(c -> c == '0')) {
      return error("There's no message 0.");
    }
    boolean top = "TOP".equalsIgnoreCase(request.getCommand());
    if (!top && words.length > 1) {
      return error("Noise after message number: " + argument.trim().substring(words[0].length()).trim());
    }
    if (top && words.length > 1 && !digits(words[1])) {
      return error("Invalid size: " + words[1]);
    }
    if (top && words.length > 2) {
      return error("Noise after size: " + words[2]);
    }
    return null;
  }

  private static boolean digits(String word) {
    return !word.isEmpty() && word.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static Response error(String text) {
    return new POP3Response(POP3Response.ERR_RESPONSE, text);
  }

  @Override
  public Collection<String> getImplCommands() {
    return List.of("LIST", "UIDL", "RETR", "DELE", "TOP");
  }
}
