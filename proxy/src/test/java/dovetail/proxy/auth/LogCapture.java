package dovetail.proxy.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log line of the process while it is attached (Logback's root logger), as formatted messages. */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root().addAppender(appender);
  }

  public List<String> lines() {
    synchronized (appender) { // AppenderBase.doAppend holds the same lock while it adds
      return appender.list.stream().map(LogCapture::text).toList();
    }
  }

  private static String text(ILoggingEvent e) {
    StringBuilder s = new StringBuilder(e.getFormattedMessage());
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      s.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    }
    return s.toString();
  }

  /**
   * The lines at WARN or above, each as {@code LEVEL logger - message}, and {@code  | with stack trace} when it
   * carries one: what an operator's log shows as a problem.
   */
  public List<String> problems() {
    synchronized (appender) {
      return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " | with stack trace: " + text(e)))
          .toList();
    }
  }

  public boolean contains(String text) {
    return lines().stream().anyMatch(l -> l.contains(text));
  }

  @Override
  public void close() {
    root().detachAppender(appender);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
