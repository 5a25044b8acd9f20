package dovetail.proxy.mailbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link DiskFullLocaleIT} in a JVM of another language: prints the text of a full disk and the verdict; with
 * "interrupted", DiskFull is first used on an interrupted thread.
 */
public final class DiskFullProbe {
  private DiskFullProbe() {}

  public static void main(String[] args) {
    try {
      Files.write(Path.of("/dev/full"), new byte[4096]);
      System.out.println("written");
    } catch (IOException e) {
      if (args.length > 0 && args[0].equals("interrupted")) {
        Thread.currentThread().interrupt(); // the first use of DiskFull on a thread whose command was cancelled
      }
      System.out.println(DiskFull.is(e) + "|" + e.getMessage());
    }
  }
}
