package dovetail.proxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One command run in this JVM exactly as {@code main} builds it ({@link DovetailCommand#newCommandLine}), its output kept. */
public record CliRun(int exit, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = DovetailCommand.newCommandLine(args);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
