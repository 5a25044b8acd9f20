package dovetail.proxy.pop3;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.TopCmdHandler;

/**
 * TOP is James's, with a line count of any size: James reads it as an int and answered a client asking for "all
 * lines" with a count of 2^31 or more with {@code -ERR Usage}; Dovecot sends the whole message, as this does (no
 * message has more lines than an int counts).
 */
final class TopCommand implements CommandHandler<POP3Session> {
  /** The message number, then the line count without its leading zeros. */
  private static final Pattern COUNT = Pattern.compile("^(\\s*\\S+\\s+)0*(\\d+)\\s*$");

  private final TopCmdHandler james;

  TopCommand(MetricFactory metrics) {
    this.james = new TopCmdHandler(metrics);
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    return james.onCommand(session, withCountJamesReads(request));
  }

  /** {@code request}, with a line count above an int's range lowered to the largest int. */
  static Request withCountJamesReads(Request request) {
    String argument = request.getArgument();
    Matcher m = argument == null ? null : COUNT.matcher(argument);
    if (m == null || !m.matches() || !aboveInt(m.group(2))) {
      return request;
    }
    return new BaseRequest(request.getCommand(), m.group(1) + Integer.MAX_VALUE);
  }

  private static boolean aboveInt(String digits) {
    String max = Integer.toString(Integer.MAX_VALUE);
    return digits.length() > max.length() || digits.length() == max.length() && digits.compareTo(max) > 0;
  }

  @Override
  public Collection<String> getImplCommands() {
    return james.getImplCommands();
  }
}
