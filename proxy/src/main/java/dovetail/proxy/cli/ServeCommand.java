package dovetail.proxy.cli;

import dovetail.conf.Settings;
import dovetail.proxy.server.DovetailServer;
import dovetail.proxy.server.OutOfMemoryExit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the IMAP, POP3 and LMTP server.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  /** EX_UNAVAILABLE from sysexits.h: the server could not start (port in use, unreadable key...). */
  static final int EXIT_START = 69;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    Settings settings = config.load(spec.commandLine().getErr());
    OutOfMemoryExit.install();
    DovetailServer server;
    try {
      server = DovetailServer.start(settings);
    } catch (DovetailServer.StartupException e) {
      spec.commandLine().getErr().println("dovetail: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return ConfigOptions.EXIT_CONFIG;
    } catch (Exception e) {
      // A port in use, an unreadable key file: one line for the operator; the log has the details.
      LOG.debug("start failed", e);
      spec.commandLine().getErr().println("dovetail: cannot start: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return EXIT_START;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (and Ctrl-C) run shutdown hooks: stop listening, close connections, then let the JVM end.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping");
      server.close();
      LOG.info("stopped");
      stopped.countDown();
    }, "dovetail-shutdown"));
    keepRunningOnHangUp();
    TextEncoding.fileNamesNotUtf8().ifPresent(LOG::warn);
    LOG.info("Dovetail is running; stop it with SIGTERM or Ctrl-C");
    stopped.await();
    return 0;
  }

  /**
   * Dovecot's habits send SIGHUP (logrotate's postrotate, a unit's ExecReload=kill -HUP); the JVM's default ends the
   * process with 129, which systemd counts as a clean stop, so Restart=on-failure left it down (walk-through 17, F6).
   * Nothing here is reloadable and the log is stderr, which has nothing to reopen: it says so and goes on.
   */
  private static void keepRunningOnHangUp() {
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> LOG.warn("SIGHUP ignored: Dovetail reloads nothing"
        + " (a changed configuration needs a restart) and logs to stderr (nothing to reopen); it keeps running"));
  }
}
