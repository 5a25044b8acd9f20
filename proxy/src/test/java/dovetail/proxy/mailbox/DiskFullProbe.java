package dovetail.proxy.mailbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Run by {@link DiskFullLocaleIT} in a JVM of another language: prints the text of a full disk and the verdict. */
public final class DiskFullProbe {
  private DiskFullProbe() {}

  public static void main(String[] args) {
    try {
      Files.write(Path.of("/dev/full"), new byte[4096]);
      System.out.println("written");
    } catch (IOException e) {
      System.out.println(DiskFull.is(e) + "|" + e.getMessage());
    }
  }
}
