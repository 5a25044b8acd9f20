package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MB message is written and read as a stream: a child JVM with a 32 MB heap does both. */
class LargeMessageStreamingIT {
  static final long SIZE = 200L * 1024 * 1024;

  @TempDir Path root;

  @Test
  void twoHundredMegabyteMessageStreamsInAThirtyTwoMegabyteHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
        LargeMessageStreamingIT.class.getName(), root.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    child.waitFor(5, TimeUnit.MINUTES);
    assertEquals(0, child.exitValue(), "child failed (an OutOfMemoryError would show here): " + out);
    String expected = sha256(new GeneratedMessage(SIZE));
    assertEquals("size=" + SIZE + " vsize=" + (SIZE + SIZE / 100) + " sha256=" + expected, out);
  }

  /** The child: append the generated message, then read it back, printing what the store reports. */
  public static void main(String[] args) throws Exception {
    Mailbox box = MaildirStore.open(Path.of(args[0]), StoreOptions.DEFAULT.withFsync(dovetail.conf.FsyncMode.NEVER))
        .create("Big", 1, 1);
    StoredMessage m = box.append(MessageMeta.next(Instant.now(), Flags.NONE), new GeneratedMessage(SIZE));
    try (InputStream in = box.openContent(m.uid())) {
      System.out.println("size=" + m.size() + " vsize=" + m.virtualSize() + " sha256=" + sha256(in));
    }
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** 100-byte lines ending in a bare LF, generated on the fly: nothing is held in memory. */
  static final class GeneratedMessage extends InputStream {
    private final long size;
    private long pos;

    GeneratedMessage(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      if (pos >= size) {
        return -1;
      }
      long p = pos++;
      return p % 100 == 99 ? '\n' : 'a' + (int) (p / 100 % 26);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) read();
      }
      return n;
    }
  }
}
