package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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
}
