package dovetail.proxy.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;
import org.apache.james.protocols.pop3.core.TopCmdHandler;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * TOP is James's, with a line count of any size: James reads it as an int and answered a client asking for "all
 * lines" with a count of 2^31 or more with {@code -ERR Usage}; Dovecot sends the whole message, as this does (no
 * message has more lines than an int counts). And a message that starts with an empty line (its header is empty)
 * gets that line and then the lines asked for, as from Dovecot: James looks for the header's end only after a header
 * line, and sent the whole body.
 */
final class TopCommand implements CommandHandler<POP3Session>, CapaCapability {
  /** The message number, then the line count without its leading zeros. */
  private static final Pattern COUNT = Pattern.compile("^(\\s*\\S+\\s+)0*(\\d+)\\s*$");

  /** The line count of the TOP being answered on this thread, for {@link #emptyHeaderTop}. */
  private static final ThreadLocal<Integer> LINES = new ThreadLocal<>();

  private final TopCmdHandler james;

  TopCommand(MetricFactory metrics) {
    this.james = new TopCmdHandler(metrics) {
      @Override
      protected InputStream getMessageContent(POP3Session session, MessageMetaData data) throws IOException {
        return emptyHeaderTop(super.getMessageContent(session, data), LINES.get());
      }
    };
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    Request read = withCountJamesReads(request);
    Matcher m = read.getArgument() == null ? null : COUNT.matcher(read.getArgument());
    LINES.set(m != null && m.matches() ? Integer.valueOf(m.group(2)) : null);
    try {
      return james.onCommand(session, read); // opens the message on this thread
    } finally {
      LINES.remove();
    }
  }

  /** A message (CRLF line ends) that starts with an empty line: that line and its first {@code lines} lines after. */
  static InputStream emptyHeaderTop(InputStream message, Integer lines) throws IOException {
    if (lines == null) {
      return message;
    }
    PushbackInputStream in = new PushbackInputStream(message, 2);
    byte[] start = in.readNBytes(2);
    in.unread(start);
    if (start.length < 2 || start[0] != '\r' || start[1] != '\n') {
      return in;
    }
    return new InputStream() {
      private long linesLeft = lines + 1L;

      @Override
      public int read() throws IOException {
        if (linesLeft == 0) {
          return -1;
        }
        int c = in.read();
        if (c == '\n') {
          linesLeft--;
        }
        return c;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
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

  /** James's TOP after login: without it, CAPA after login lacked TOP. */
  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    return james.getImplementedCapabilities(session);
  }
}
