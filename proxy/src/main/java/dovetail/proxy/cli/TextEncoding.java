package dovetail.proxy.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A JVM started without a UTF-8 locale (systemd's default environment has no LANG, so the C locale) reads its command
 * line and writes its output in ASCII: {@code -f Reçus} arrived as {@code Re??us} and was called missing, {@code
 * status --json} and the handover script named {@code A&B ?rger}, which doveadm then did not find (walk-through 16, F4,
 * F5). Dovetail's text is UTF-8 whatever the locale: the output is written so, and a command line the JVM could not
 * read is refused with what to do, before anything runs.
 */
public final class TextEncoding {
  private TextEncoding() {}

  /** System.out and System.err in UTF-8 when the locale's charset is another (JSON and the handover script are). */
  public static void outputInUtf8() {
    if (Charset.defaultCharset().equals(StandardCharsets.UTF_8)) {
      return;
    }
    System.setOut(utf8(FileDescriptor.out));
    System.setErr(utf8(FileDescriptor.err));
  }

  private static PrintStream utf8(FileDescriptor fd) {
    return new PrintStream(new BufferedOutputStream(new FileOutputStream(fd), 8192), true, StandardCharsets.UTF_8);
  }

  /** The charset the JVM reads its command line and names files in: the locale's, chosen at start-up. */
  private static String namesCharset() {
    return System.getProperty("sun.jnu.encoding", "UTF-8");
  }

  private static boolean namesInUtf8() {
    String names = namesCharset();
    return Charset.isSupported(names) && Charset.forName(names).equals(StandardCharsets.UTF_8);
  }

  /**
   * Why file names with non-ASCII characters (a user {@code jürgen} under {@code %n}, a store path) cannot be used by
   * this JVM: it names files in its locale's charset, ASCII in the C locale; empty when that is UTF-8.
   */
  public static Optional<String> fileNamesNotUtf8() {
    if (namesInUtf8()) {
      return Optional.empty();
    }
    return Optional.of("the JVM names files in " + namesCharset() + " in this locale (LANG/LC_ALL unset or C): users"
        + " and paths with non-ASCII characters cannot be served; run it in a UTF-8 locale, e.g. LANG=C.UTF-8 (a"
        + " systemd service: Environment=LANG=C.UTF-8)");
  }

  /**
   * Why this process's arguments cannot be read as given: non-ASCII bytes in its command line while the JVM decodes
   * arguments in another charset than UTF-8 (they became '?'); empty when they are fine or cannot be looked at.
   */
  public static Optional<String> unreadableArguments() {
    if (namesInUtf8()) {
      return Optional.empty();
    }
    byte[] commandLine;
    try {
      commandLine = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty(); // not Linux: nothing to look at
    }
    for (byte b : commandLine) {
      if (b < 0) {
        return Optional.of("the command line has non-ASCII characters, which the JVM reads in " + namesCharset()
            + " in this locale (LANG/LC_ALL unset or C) and so cannot read; run it in a UTF-8 locale, e.g. LANG=C.UTF-8"
            + " (a systemd service: Environment=LANG=C.UTF-8)");
      }
    }
    return Optional.empty();
  }
}
