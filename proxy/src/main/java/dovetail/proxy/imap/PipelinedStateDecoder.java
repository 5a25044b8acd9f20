package dovetail.proxy.imap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.ImapRequestLineReader;
import org.apache.james.imap.message.request.AbstractMailboxSelectionRequest;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.CloseRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.message.request.UnselectRequest;

/**
 * James 3.8.1 decodes a command as soon as its bytes arrive, while earlier commands may still be queued, and its
 * parsers (AbstractImapCommandParser.parse) refuse a command that is not valid in the session's state at that
 * moment. So {@code LOGIN} and {@code SELECT} sent together (RFC 3501 §5.5 allows it) answer SELECT with
 * "NO Command not valid in this state". This decoder judges a command against the state the session will be in
 * once the commands before it have run, assuming they succeed; AbstractMailboxProcessor checks the real state
 * again when the command runs, so a command after a failed LOGIN is still refused.
 */
final class PipelinedStateDecoder implements ImapDecoder {
  private static final String IN_FLIGHT = PipelinedStateDecoder.class.getName() + ".inFlight";
  private static final String EXPECTED = PipelinedStateDecoder.class.getName() + ".expected";

  private final ImapDecoder james;

  PipelinedStateDecoder(ImapDecoder james) {
    this.james = james;
  }

  @Override
  public ImapMessage decode(ImapRequestLineReader request, ImapSession session) {
    ImapSessionState expected = expected(session);
    ImapSession view = expected == session.getState() ? session : withState(session, expected);
    ImapMessage message = james.decode(request, view);
    session.setAttribute(EXPECTED, after(message, expected));
    inFlight(session).incrementAndGet();
    return message;
  }

  /**
   * The responder for one decoded command: the command stops counting as in flight just before its tagged
   * response is written, not after, since a client may send its next command the moment it reads that
   * response (a LOGIN retried after a failed one must be judged against the real state). {@code done} answers
   * whether this call was the one that completed the command, for callers that must complete it otherwise.
   */
  static Completion track(ImapSession session, ImapProcessor.Responder responder) {
    return new Completion(session, responder);
  }

  static final class Completion implements ImapProcessor.Responder {
    private final ImapSession session;
    private final ImapProcessor.Responder delegate;
    private final AtomicBoolean completed = new AtomicBoolean();

    private Completion(ImapSession session, ImapProcessor.Responder delegate) {
      this.session = session;
      this.delegate = delegate;
    }

    @Override
    public void respond(ImapResponseMessage message) {
      if (message instanceof StatusResponse status && status.getTag() != null) {
        done();
      }
      delegate.respond(message);
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    /** Marks the command processed, once. */
    void done() {
      if (completed.compareAndSet(false, true)) {
        inFlight(session).decrementAndGet();
      }
    }
  }

  private static AtomicInteger inFlight(ImapSession session) {
    synchronized (session) {
      Object counter = session.getAttribute(IN_FLIGHT);
      if (counter instanceof AtomicInteger c) {
        return c;
      }
      AtomicInteger c = new AtomicInteger();
      session.setAttribute(IN_FLIGHT, c);
      return c;
    }
  }

  /** With nothing queued, the session's real state; otherwise the state the queued commands lead to. */
  private static ImapSessionState expected(ImapSession session) {
    ImapSessionState real = session.getState();
    Object expected = session.getAttribute(EXPECTED);
    if (inFlight(session).get() <= 0 || !(expected instanceof ImapSessionState state)
        || real == ImapSessionState.LOGOUT) {
      return real;
    }
    return state;
  }

  private static ImapSessionState after(ImapMessage message, ImapSessionState before) {
    if (message instanceof LoginRequest || message instanceof AuthenticateRequest) {
      return before == ImapSessionState.NON_AUTHENTICATED ? ImapSessionState.AUTHENTICATED : before;
    }
    if (message instanceof AbstractMailboxSelectionRequest) {
      return before == ImapSessionState.NON_AUTHENTICATED ? before : ImapSessionState.SELECTED;
    }
    if (message instanceof CloseRequest || message instanceof UnselectRequest) {
      return before == ImapSessionState.SELECTED ? ImapSessionState.AUTHENTICATED : before;
    }
    return before;
  }

  private static ImapSession withState(ImapSession session, ImapSessionState state) {
    return (ImapSession) Proxy.newProxyInstance(ImapSession.class.getClassLoader(), new Class<?>[] {ImapSession.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getState") && (args == null || args.length == 0)) {
            return state;
          }
          try {
            return method.invoke(session, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
