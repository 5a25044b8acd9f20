package dovetail.proxy.server;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A large test message generated on the fly, never held in memory: a header, then lines of 76 'x' and a LF. */
public final class GeneratedMessage {
  public static final String HEADER = "Subject: big\n\n";

  private GeneratedMessage() {}

  /** {@link #HEADER}, then {@code lines} lines of 76 'x' and a LF (bare LF, as Dovecot stores by default). */
  public static InputStream of(int lines) {
    return new InputStream() {
      private final byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
      private long pos;
      private final long total = header.length + (long) lines * 77;

      @Override
      public int read() {
        if (pos >= total) {
          return -1;
        }
        long p = pos++;
        if (p < header.length) {
          return header[(int) p];
        }
        return (p - header.length) % 77 == 76 ? '\n' : 'x';
      }
    };
  }
}
