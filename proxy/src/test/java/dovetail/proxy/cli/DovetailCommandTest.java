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
    CliRun help = CliRun.of("--help");
    assertEquals(0, help.exit());
    for (String command : new String[] {"serve", "demo", "backup", "migrate", "status", "sweeper", "verify"}) {
      assertTrue(help.out().contains(command), "help mentions " + command + ":\n" + help.out());
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
        assertEquals(runInTheFullCommandLine(args), CliRun.of(args), String.join(" ", args));
      }
    }
  }

  @Test
  void anythingButACommandNameGetsEveryCommand() {
    int every = DovetailCommand.newCommandLine().getSubcommands().size();
    for (String first : new String[] {"--help", "-V", "help", "bakup"}) {
      assertEquals(every, DovetailCommand.newCommandLine(first, "backup").getSubcommands().size(), first);
    }
    CliRun typo = CliRun.of("bakup", "-c", "x");
    assertEquals(2, typo.exit());
    assertTrue(typo.err().contains("Did you mean: dovetail backup?"), typo.err());
  }

  /** As {@link CliRun#of}, but in the command line with every command, not the one `main` builds for these args. */
  private static CliRun runInTheFullCommandLine(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DovetailCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  @TempDir Path dir;

  @Test
  void aConfigurationMistakeIsOneLineNamingFileLineAndKey() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "# comment\nmail_prefetch_count = lots\n");
    CliRun serve = CliRun.of("serve", "-c", conf.toString());
    assertEquals(78, serve.exit());
    String text = serve.err().trim();
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("dovetail: " + conf + ":2: mail_prefetch_count: "), text);
  }

  @Test
  void ignoredDovecotSettingsAreReportedOnceEach() throws IOException {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "protocols = imap pop3\nmail_location = maildir:/var/vmail/%d/%n/Maildir\n");
    String err = CliRun.of("serve", "-c", conf.toString()).err();
    assertEquals(1, err.lines().filter(l -> l.contains("ignored") && l.contains("protocols")).count(), err);
  }
}
