package dovetail.proxy.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.Loader;
import ch.qos.logback.core.util.OptionHelper;
import dovetail.proxy.server.SessionConverter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dovetail's logging, set up in code: exactly what logback.xml (beside it in the jar) says, without reading XML.
 * Joran, logback's XML configurator, and the JDK's XML parser cost about 520 classes at the start of every command,
 * {@code backup} included (issue #4). Registered in META-INF/services, so logback asks it first.
 *
 * <p>It steps aside for any configuration logback would prefer to our logback.xml: an operator's
 * {@code -Dlogback.configurationFile=...} (or {@code logback.scmoFile}), and a test's logback-test.xml (or .scmo)
 * on the classpath. Logback then goes on exactly as it did before this class existed.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  static final String APPENDER = "STDERR";
  /** The empty {@code {}} after {@code %safe(%msg)}: without it logback reads the {@code %n} after it as text. */
  static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%safe(%X{user:-}):%session] %logger{20} - %safe(%msg){}%n";

  /** What logback's own configurators look for before logback.xml (ContextInitializer, logback 1.5). */
  private static final List<String> PREFERRED_PROPERTIES = List.of(ClassicConstants.CONFIG_FILE_PROPERTY,
      ClassicConstants.MODEL_CONFIG_FILE_PROPERTY);
  private static final List<String> PREFERRED_RESOURCES = List.of(ClassicConstants.TEST_AUTOCONFIG_FILE,
      "logback-test.scmo", "logback.scmo");

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String other = preferredConfiguration();
    if (other != null) {
      addInfo("Dovetail's built-in logging steps aside for " + other);
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The system property or classpath resource that names another configuration, or null. */
  private String preferredConfiguration() {
    for (String property : PREFERRED_PROPERTIES) {
      if (OptionHelper.getSystemProperty(property) != null) {
        return "-D" + property;
      }
    }
    ClassLoader loader = Loader.getClassLoaderOfObject(this);
    for (String resource : PREFERRED_RESOURCES) {
      if (Loader.getResource(resource, loader) != null) {
        return resource;
      }
    }
    return null;
  }

  /** logback.xml, element by element. */
  static void apply(LoggerContext context) {
    registerWords(context);

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.setCharset(StandardCharsets.UTF_8); // not the locale's: in the C locale every non-ASCII name became '?'
    encoder.start();

    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName(APPENDER);
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    // A client's mistakes at DEBUG, a store failure as one line (see the class).
    ImapFailureLines failureLines = new ImapFailureLines();
    failureLines.setContext(context);
    failureLines.start();
    context.addTurboFilter(failureLines);

    // James logs every connection and command set-up at INFO; keep its warnings and errors.
    context.getLogger("org.apache.james").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
  }

  /** The {@code <conversionRule .../>}s, put where Joran keeps such rules, for every layout. */
  private static void registerWords(LoggerContext context) {
    @SuppressWarnings("unchecked")
    Map<String, String> rules = (Map<String, String>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY);
    if (rules == null) {
      rules = new HashMap<>();
      context.putObject(CoreConstants.PATTERN_RULE_REGISTRY, rules);
    }
    rules.put("session", SessionConverter.class.getName());
    rules.put("safe", SafeText.class.getName());
  }
}
