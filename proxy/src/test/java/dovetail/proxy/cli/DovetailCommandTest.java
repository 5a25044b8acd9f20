package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DovetailCommandTest {

  @Test
  void helpListsEveryContractCommand() {
    StringWriter out = new StringWriter();
    CommandLine cli = DovetailCommand.newCommandLine("--help");
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    for (String command : new String[] {"serve", "demo", "backup", "migrate", "status", "sweeper", "verify"}) {
      assertTrue(out.toString().contains(command), "help mentions " + command + ":\n" + out);
    }
  }

  /**
   * `main` builds only the command its first argument names (start-up, issue #4); operators' scripts must not see a
   * difference: the same help, the same errors, the same exit codes as in the command line that has every command.
   */
  @Test
  void aCommandBuiltAloneBehavesAsInTheFullCommandLine() {
    Map<String, CommandLine> all = DovetailCommand.newCommandLine().getSubcommands();
    assertTrue(all.keySet().containsAll(List.of("serve", "demo", "backup", "migrate", "status", "sweeper", "sync",
        "verify", "help")), all.keySet().toString());
    for (String name : all.keySet()) {
      if (name.equals("help")) {
        continue; // `help COMMAND` needs the other commands, so it always gets them all
      }
      assertEquals(Set.of(name), DovetailCommand.newCommandLine(name).getSubcommands().keySet());
      for (String[] args : List.of(new String[] {name, "--help"}, new String[] {name, "--no-such-option"})) {
        assertEquals(execute(DovetailCommand.newCommandLine(), args),
            execute(DovetailCommand.newCommandLine(args), args), String.join(" ", args));
      }
    }
  }

  @Test
  void anythingButACommandNameGetsEveryCommand() {
    int every = DovetailCommand.newCommandLine().getSubcommands().size();
    for (String first : new String[] {"--help", "-V", "help", "bakup"}) {
      assertEquals(every, DovetailCommand.newCommandLine(first, "backup").getSubcommands().size(), first);
    }
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "bakup", "-c", "x"));
    assertTrue(err.toString().contains("Did you mean: dovetail backup?"), err.toString());
  }

  /** Exit code, stdout and stderr of one run. */
  private static List<String> execute(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return List.of(Integer.toString(exit), out.toString(), err.toString());
  }

  @TempDir Path dir;

  private static int run(StringWriter err, String... args) {
    CommandLine cli = DovetailCommand.newCommandLine(args);
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli.execute(args);
  }

  @Test
  void aConfigurationMistakeIsOneLineNamingFileLineAndKey() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "# comment\nmail_prefetch_count = lots\n");
    StringWriter err = new StringWriter();
    assertEquals(78, run(err, "serve", "-c", conf.toString()));
    String text = err.toString().trim();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("dovetail: " + conf + ":2: mail_prefetch_count: "), text);
  }

  @Test
  void ignoredDovecotSettingsAreReportedOnceEach() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "protocols = imap pop3\nmail_location = maildir:/var/vmail/%d/%n/Maildir\n");
    StringWriter err = new StringWriter();
    run(err, "serve", "-c", conf.toString());
    assertEquals(1, err.toString().lines().filter(l -> l.contains("ignored") && l.contains("protocols")).count(), err.toString());
  }
}
