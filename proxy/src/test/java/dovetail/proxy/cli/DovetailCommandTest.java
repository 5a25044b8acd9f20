package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DovetailCommandTest {

  @Test
  void helpListsEveryContractCommand() {
    StringWriter out = new StringWriter();
    CommandLine cli = DovetailCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    for (String command : new String[] {"serve", "demo", "backup", "migrate", "status", "sweeper", "verify"}) {
      assertTrue(out.toString().contains(command), "help mentions " + command + ":\n" + out);
    }
  }

  @TempDir Path dir;

  private static int run(StringWriter err, String... args) {
    CommandLine cli = DovetailCommand.newCommandLine();
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
