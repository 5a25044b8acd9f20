package dovetail.proxy.pop3;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.james.protocols.api.AbstractResponse;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's LIST or UIDL, its answer's lines read back from an array. James keeps a multi-line answer's lines in a
 * LinkedList and reads them by index (POP3Response.getLines), so the time grew with the square of the maildrop: UIDL
 * of 90,000 messages took 5 to 7 s of CPU, where Dovecot takes 0.1 s (walk-through 9). The handler's CAPA line is
 * kept.
 */
final class ListingCommand implements CommandHandler<POP3Session>, CapaCapability {
  private static final Logger LOG = LoggerFactory.getLogger(ListingCommand.class);
  /** AbstractResponse's lines (James 3.8.1); without it, James's answer goes out as it is. */
  private static final Field LINES = linesField();

  private final CommandHandler<POP3Session> james;

  ListingCommand(CommandHandler<POP3Session> james) {
    this.james = james;
  }

  @Override
  public Response onCommand(POP3Session session, Request request) {
    return inArray(james.onCommand(session, request));
  }

  /** The same answer, its lines in an array. */
  static Response inArray(Response answer) {
    if (LINES == null || !(answer instanceof POP3Response james)) {
      return answer;
    }
    List<CharSequence> lines;
    try {
      @SuppressWarnings("unchecked")
      List<CharSequence> held = (List<CharSequence>) LINES.get(james);
      lines = new ArrayList<>(held);
    } catch (IllegalAccessException e) {
      return answer;
    }
    return new ArrayLines(james.getRetCode(), lines, james.isEndSession());
  }

  @Override
  public Collection<String> getImplCommands() {
    return james.getImplCommands();
  }

  @Override
  public Set<String> getImplementedCapabilities(POP3Session session) {
    return james instanceof CapaCapability capa ? capa.getImplementedCapabilities(session) : Set.of();
  }

  private static Field linesField() {
    try {
      Field f = AbstractResponse.class.getDeclaredField("lines");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("James's POP3 answers cannot be read as arrays ({}): LIST and UIDL of a large maildrop are slow", e.toString());
      return null;
    }
  }

  /** POP3Response's text (the status on the first line), from an array. */
  private static final class ArrayLines extends POP3Response {
    private final List<CharSequence> all;

    ArrayLines(String code, List<CharSequence> lines, boolean endSession) {
      super(code);
      this.all = lines;
      setEndSession(endSession);
    }

    @Override
    public List<CharSequence> getLines() {
      List<CharSequence> out = new ArrayList<>(Math.max(1, all.size()));
      if (all.isEmpty()) {
        out.add(getRetCode());
        return out;
      }
      out.add(getRetCode() + " " + all.get(0));
      out.addAll(all.subList(1, all.size()));
      return out;
    }
  }
}
