package dovetail.proxy.cli;

import dovetail.proxy.demo.Demo;
import dovetail.proxy.demo.DemoCorpus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run an embedded legacy server with sample users, and Dovetail in front of it, on loopback.")
final class DemoCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "-o", paramLabel = "key=value",
      description = "override a setting of the demo's configuration, e.g. -o imap_listen=127.0.0.1:20143")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Demo demo;
    try {
      demo = Demo.start(DemoCorpus.standard(), overrides);
    } catch (dovetail.conf.ConfigException e) {
      throw e; // a bad -o: one line and exit 78, by ConfigOptions.ErrorHandler
    } catch (Exception e) {
      LOG.debug("demo failed to start", e);
      spec.commandLine().getErr().println("dovetail demo: cannot start: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return ServeCommand.EXIT_START;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close();
      stopped.countDown();
    }, "dovetail-demo-shutdown"));
    spec.commandLine().getOut().println(demo.instructions());
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
