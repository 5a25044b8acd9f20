package dovetail.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.launch.Launcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 16, F4 and F5: Dovetail in the C locale (systemd's default environment has no LANG), as a JVM of its
 * own started the way an operator's shell starts it: a shell makes the non-ASCII bytes of the command line.
 */
class TextEncodingIT {
  @TempDir Path dir;

  private record Run(int exit, String output) {}

  private Run inTheCLocale(String shellArguments) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = "exec '" + java + "' -cp \"$CP\" " + Launcher.class.getName() + " " + shellArguments;
    ProcessBuilder pb = new ProcessBuilder(List.of("sh", "-c", command)).redirectErrorStream(true);
    pb.environment().put("CP", System.getProperty("java.class.path"));
    pb.environment().remove("LANG");
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    return new Run(p.exitValue(), out);
  }

  @Test
  void aNonAsciiArgumentTheJvmCannotReadIsRefusedWithWhatToDo() throws Exception {
    Run run = inTheCLocale("status --socket " + dir.resolve("none.sock") + " -u \"$(printf 'j\\303\\274rgen')\"");
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains("the command line has non-ASCII characters") && run.output().contains(
        "LANG=C.UTF-8"), "it went on with the name as the JVM read it: " + run.output());
  }

  @Test
  void outputIsUtf8WhateverTheLocale() throws Exception {
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\nfööbar = 1\n", StandardCharsets.UTF_8);
    Run run = inTheCLocale("serve -c " + conf);
    assertEquals(78, run.exit(), run.output());
    assertTrue(run.output().contains("fööbar: unknown setting"), run.output());
  }
}
