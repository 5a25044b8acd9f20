package dovetail.proxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One command run in this JVM exactly as {@code main} builds it ({@link DovetailCommand#newCommandLine}), its output kept. */
public record CliRun(int exit, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = execute(out, err, args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** As {@link #of}, its output written into {@code out} as it comes, so that a test can read it while it runs. */
  public static CliRun of(StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    int exit = execute(out, err, args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** As {@link #of}, but stderr goes into {@code out} in the order written, as a terminal shows both; err is empty. */
  public static CliRun merged(String... args) {
    StringWriter both = new StringWriter();
    int exit = execute(both, both, args);
    return new CliRun(exit, both.toString(), "");
  }

  private static int execute(StringWriter out, StringWriter err, String... args) {
    picocli.CommandLine cli = DovetailCommand.newCommandLine(args);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }
}
