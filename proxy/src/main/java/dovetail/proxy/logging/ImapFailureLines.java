package dovetail.proxy.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dovetail.proxy.mailbox.MessageGoneException;
import dovetail.proxy.mailbox.StoreRefusal;
import dovetail.store.StoreException;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * The IMAP layer's failure lines (and James's netty layer's, which POP3 shares) at the level they deserve. James 3.8.1 logs some of a client's mistakes as errors
 * with a stack trace (STATUS of a missing folder: ERROR and MailboxNotFoundException), and every store failure as an
 * ERROR with two screens of stack. Here:
 * <ul>
 *   <li>a client's mistake (no such folder, a folder that exists, a bad name or range, bad syntax) logs at DEBUG, as
 *       does a message that another writer removed while a FETCH read it (it is left out);
 *   <li>a write the store refused is dropped: {@code StoreRefusals} has logged it as one line;
 *   <li>any other failure of the store logs one WARN line, the message and the store's reason, without the stack.
 * </ul>
 * Anything else (a bug) keeps its level and stack. Only lines at WARN and above of James's IMAP code and Dovetail's
 * are looked at, and only when they carry an exception.
 */
public final class ImapFailureLines extends TurboFilter {
  private static final String FETCH_PROCESSOR = "org.apache.james.imap.processor.fetch.FetchProcessor";
  private static final List<String> LOGGERS = List.of("org.apache.james.imap", "dovetail.proxy.imap",
      "org.apache.james.protocols.netty");
  /** Exceptions that mean the client asked for something that cannot be, by class name: James's and Dovetail's. */
  private static final List<String> CLIENT_MISTAKES = List.of(
      "org.apache.james.mailbox.exception.MailboxNotFoundException",
      "org.apache.james.mailbox.exception.MailboxExistsException",
      "org.apache.james.mailbox.exception.MailboxNameException",
      "org.apache.james.mailbox.exception.MessageRangeException",
      "org.apache.james.mailbox.exception.InsufficientRightsException",
      "org.apache.james.imap.decode.DecodingException",
      "org.apache.james.imap.main.DeniedAccessOnSharedMailboxException",
      "dovetail.proxy.mailbox.InvalidFolderNameException",
      // POP3's STLS with commands after it in the same packet (CVE-2011-0411): refused, and the client's doing.
      "org.apache.james.protocols.netty.CommandInjectionDetectedException");

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null || !level.isGreaterOrEqual(Level.WARN) || !watched(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Throwable failure = t != null ? t : lastThrowable(params);
    if (failure == null) {
      return FilterReply.NEUTRAL;
    }
    if (find(failure, StoreRefusal.class) != null) {
      return FilterReply.DENY;
    }
    if (isClientMistake(failure) || skippedGone(logger, failure)) {
      logger.debug(marker, message(format, params), failure);
      return FilterReply.DENY;
    }
    StoreException store = find(failure, StoreException.class);
    if (store != null) {
      logger.warn(marker, "{}: {}", message(format, params), store.getMessage());
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  /** FETCH's line for a message it left out because another writer removed it; a command that failed stays. */
  private static boolean skippedGone(Logger logger, Throwable failure) {
    return logger.getName().equals(FETCH_PROCESSOR) && MessageGoneException.causedBy(failure);
  }

  private static boolean watched(String name) {
    return LOGGERS.stream().anyMatch(name::startsWith);
  }

  /** SLF4J's convention: an exception given as the last argument is the line's throwable. */
  private static Throwable lastThrowable(Object[] params) {
    return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable e ? e : null;
  }

  private static String message(String format, Object[] params) {
    return MessageFormatter.arrayFormat(format, params).getMessage();
  }

  private static boolean isClientMistake(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
        if (CLIENT_MISTAKES.contains(k.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }
}
