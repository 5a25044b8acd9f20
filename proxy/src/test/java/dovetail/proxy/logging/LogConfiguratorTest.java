package dovetail.proxy.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration in code against logback.xml read by Joran, as logback did before LogConfigurator: every line
 * must come out byte for byte the same, on the same stream, at the same levels.
 */
class LogConfiguratorTest {
  private static final long TIME = 1_767_225_599_123L; // 2025-12-31T23:59:59.123Z

  private static LoggerContext fromXml() throws Exception {
    URL xml = LogConfiguratorTest.class.getResource("/logback.xml");
    assertNotNull(xml, "logback.xml is on the classpath");
    LoggerContext context = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(xml);
    assertNoProblems(context);
    return context;
  }

  private static LoggerContext fromCode() {
    LoggerContext context = new LoggerContext();
    LogConfigurator.apply(context);
    assertNoProblems(context);
    return context;
  }

  private static void assertNoProblems(LoggerContext context) {
    for (Status s : context.getStatusManager().getCopyOfStatusList()) {
      assertEquals(Status.INFO, s.getLevel(), s.toString());
    }
  }

  @Test
  void everyLineIsByteForByteWhatLogbackXmlWrites() throws Exception {
    LoggerContext xml = fromXml();
    LoggerContext code = fromCode();
    List<Map<String, String>> mdcs = List.of(Map.of(), Map.of("user", "alice", "session", "3f2a"),
        Map.of("sessionId", "SID-ugcktojrmbpj"), Map.of("user", "bob", "session", "own", "sessionId", "james"),
        Map.of("user", "ünïcode"));
    List<String> loggers = List.of("dovetail.proxy.pop3.PassCommand", "dovetail.migrator.service.MigrationService",
        "Short", "org.apache.james.imap.processor.base.AbstractProcessor",
        "a.very.long.package.name.with.many.parts.X");
    int compared = 0;
    for (Map<String, String> mdc : mdcs) {
      for (String logger : loggers) {
        for (Level level : List.of(Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG)) {
          Throwable failure = level == Level.ERROR ? new IllegalStateException("broken", new RuntimeException("cause"))
              : null;
          assertEquals(line(xml, logger, level, mdc, failure), line(code, logger, level, mdc, failure),
              logger + " " + level + " " + mdc);
          compared++;
        }
      }
    }
    assertEquals(100, compared);
    // One line spelled out, so that a change to logback.xml and the code together still shows up here.
    assertEquals(time() + " INFO  [alice:3f2a] d.p.pop3.PassCommand - POP3 login: alice\n",
        line(code, "dovetail.proxy.pop3.PassCommand", Level.INFO, Map.of("user", "alice", "session", "3f2a"), null));
  }

  /**
   * What a client sends reaches the log as one line, without control characters (walk-through 6, W2: a user name with
   * a line break wrote a forged "user ceo logged in" line; a NUL made grep print "binary file matches"; ESC reached
   * the terminal). Both configurations, as they must agree.
   */
  @Test
  void aClientsControlCharactersCannotForgeLinesOrReachTheTerminal() throws Exception {
    String hostile = "mallory\r\n05:00:00.000 INFO  [:SID-forged] d.p.a.SuccessfulLogins - user ceo logged in\u0000"
        + "\u001b[31mred\u009b\u007f\ttab";
    for (LoggerContext context : List.of(fromXml(), fromCode())) {
      String line = line(context, "dovetail.proxy.auth.FailedLogins", Level.WARN, Map.of("user", hostile), null);
      assertTrue(line.endsWith("\n"), line);
      String body = line.substring(0, line.length() - 1);
      assertTrue(body.chars().noneMatch(c -> c != '\t' && (c < 0x20 || (c >= 0x7f && c <= 0x9f))), body);
      assertTrue(body.contains("[mallory??05:00:00.000 INFO  [:SID-forged] d.p.a.SuccessfulLogins - user ceo logged "
          + "in??[31mred??\ttab:]"), body);
      assertTrue(body.endsWith("POP3 login: mallory??05:00:00.000 INFO  [:SID-forged] d.p.a.SuccessfulLogins - user "
          + "ceo logged in??[31mred??\ttab"), body);
    }
  }

  @Test
  void theSameLoggersAreOnTheSameStreamAtTheSameLevels() throws Exception {
    LoggerContext xml = fromXml();
    LoggerContext code = fromCode();
    assertEquals(describe(xml), describe(code));
    assertEquals(turboFilters(xml), turboFilters(code));
    assertEquals(List.of(ImapFailureLines.class.getName()), turboFilters(code));
    ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) code.getLogger(Logger.ROOT_LOGGER_NAME)
        .getAppender(LogConfigurator.APPENDER);
    assertEquals("System.err", stderr.getTarget());
    for (String name : List.of("org.apache.james.mailbox.store.Foo", "io.netty.channel.Bar")) {
      assertFalse(code.getLogger(name).isInfoEnabled(), name);
    }
  }

  /** What an event of this logger, level and MDC becomes on the root logger's appender. */
  private static String line(LoggerContext context, String loggerName, Level level, Map<String, String> mdc,
      Throwable failure) {
    Logger logger = context.getLogger(loggerName);
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, "{} login: {}", failure,
        new Object[] {"POP3", mdc.getOrDefault("user", "alice")});
    event.setTimeStamp(TIME);
    event.setThreadName("main");
    event.setMDCPropertyMap(mdc);
    ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>) context
        .getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogConfigurator.APPENDER);
    return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
  }

  private static List<String> turboFilters(LoggerContext context) {
    return context.getTurboFilterList().stream().map(f -> f.getClass().getName() + (f.isStarted() ? "" : " stopped"))
        .toList();
  }

  /** Each configured logger's level, additivity and appenders, and each appender's kind and stream. */
  private static List<String> describe(LoggerContext context) {
    List<String> lines = new ArrayList<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() == null && !logger.iteratorForAppenders().hasNext()) {
        continue;
      }
      StringBuilder b = new StringBuilder(logger.getName() + " " + logger.getLevel() + " " + logger.isAdditive());
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        Appender<ILoggingEvent> a = it.next();
        b.append(' ').append(a.getName()).append('=').append(a.getClass().getName()).append(' ').append(a.isStarted());
        if (a instanceof ConsoleAppender<ILoggingEvent> c) {
          b.append(' ').append(c.getTarget()).append(' ').append(c.isImmediateFlush());
        }
      }
      lines.add(b.toString());
    }
    return lines;
  }

  private static String time() {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
        .format(Instant.ofEpochMilli(TIME).atZone(ZoneId.systemDefault()));
  }
}
