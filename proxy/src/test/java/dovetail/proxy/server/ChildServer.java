package dovetail.proxy.server;

import dovetail.proxy.cli.DovetailCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dovetail serve -c conf} in a child JVM of its own, for tests that need the server's heap or temp dir
 * bounded apart from the test's. Waits for the IMAP port it logs, then drains its output so it never blocks.
 */
public final class ChildServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("IMAP listening on .*:(\\d+)");

  private final Process process;
  private final int imapPort;

  private ChildServer(Process process, int imapPort) {
    this.process = process;
    this.imapPort = imapPort;
  }

  /** Starts the server with these JVM options (e.g. "-Xmx64m") and waits until it listens. */
  public static ChildServer start(Path conf, String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), DovetailCommand.class.getName(), "serve",
        "-c", conf.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      return new ChildServer(process, awaitPort(process));
    } catch (IOException | RuntimeException | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  public int imapPort() {
    return imapPort;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  private static int awaitPort(Process server) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder log = new StringBuilder();
    String l;
    while ((l = out.readLine()) != null) {
      log.append(l).append('\n');
      Matcher m = LISTENING.matcher(l);
      if (m.find()) {
        Thread drain = new Thread(() -> {
          try {
            out.transferTo(Writer.nullWriter());
          } catch (IOException e) {
            // the server stopped
          }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the server did not start:\n" + log);
  }

  /** A graceful stop first (so shutdown hooks run), then a forced one. */
  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    process.waitFor(30, TimeUnit.SECONDS);
    process.destroyForcibly();
  }
}
