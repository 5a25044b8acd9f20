package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk is told from other I/O errors in the server's own language too: the JDK gives the C library's text,
 * which follows LC_MESSAGES (a German server once answered a full disk "[SERVERBUG]" instead of "[OVERQUOTA]"). The
 * test makes a German locale (Debian's locales and libc-l10n packages, which CI installs) and runs a JVM in it.
 */
class DiskFullLocaleIT {
  private static final Path GERMAN_SOURCE = Path.of("/usr/share/i18n/locales/de_DE");
  private static final Path GERMAN_LIBC_TEXTS = Path.of("/usr/share/locale/de/LC_MESSAGES/libc.mo");

  @TempDir Path tmp;

  @Test
  void aFullDiskInGermanIsAFullDisk() throws Exception {
    assertRecognizedInGerman();
  }

  /** DiskFull learns the local text on its first use; on an interrupted thread it once learned nothing, for good. */
  @Test
  void aFullDiskInGermanIsAFullDiskWhenFirstAskedOnAnInterruptedThread() throws Exception {
    assertRecognizedInGerman("interrupted");
  }

  private void assertRecognizedInGerman(String... probeArgs) throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full on this machine");
    assumeTrue(Files.exists(GERMAN_SOURCE) && Files.exists(GERMAN_LIBC_TEXTS),
        "skipped: no German locale source or libc texts (Debian packages locales and libc-l10n)");
    Path locales = Files.createDirectories(tmp.resolve("locales"));
    Process define = new ProcessBuilder("localedef", "-i", "de_DE", "-f", "UTF-8",
        locales.resolve("de_DE.UTF-8").toString()).redirectErrorStream(true).start();
    define.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assumeTrue(define.waitFor(60, TimeUnit.SECONDS) && define.exitValue() == 0, "skipped: localedef failed");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        DiskFullProbe.class.getName()));
    command.addAll(List.of(probeArgs));
    ProcessBuilder probe = new ProcessBuilder(command).redirectErrorStream(true);
    probe.environment().put("LOCPATH", locales.toString());
    probe.environment().put("LANG", "de_DE.UTF-8");
    probe.environment().put("LC_ALL", "de_DE.UTF-8");
    Process p = probe.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);

    String[] verdictAndText = out.split("\\|", 2);
    assertEquals(2, verdictAndText.length, out);
    assertNotEquals("No space left on device", verdictAndText[1], "the JVM did not run in German");
    assertEquals("true", verdictAndText[0], "not recognized as a full disk: " + verdictAndText[1]);
  }
}
