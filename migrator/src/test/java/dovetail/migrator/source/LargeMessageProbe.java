package dovetail.migrator.source;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Run in a child JVM with a small heap by {@link LargeMessageStreamingIT}: fetches one message through
 * the source with the default limits, hashing it as it streams, and prints what it saw.
 *
 * <p>Arguments: host port user password folder uid. Output: {@code bytes=N sha256=HEX peakHeapMiB=M}.
 */
public final class LargeMessageProbe {
  private LargeMessageProbe() {}

  public static void main(String[] args) throws Exception {
    LegacyImapEndpoint endpoint = LegacyImapEndpoint.builder(args[0]).port(Integer.parseInt(args[1]))
        .password(args[3]).build();
    long uid = Long.parseLong(args[5]);
    long[] bytes = {0};
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    String[] failure = {null};
    try (LegacyImapSession session = LegacyImapSource.create(endpoint, FetchLimits.defaults()).open(args[2])) {
      session.fetchBodies(args[4], List.of(uid), new BodyConsumer() {
        @Override
        public void accept(long u, InputStream body) throws IOException {
          byte[] buffer = new byte[64 * 1024];
          int n;
          while ((n = body.read(buffer)) > 0) {
            sha.update(buffer, 0, n);
            bytes[0] += n;
          }
        }

        @Override
        public void failed(long u, String reason) {
          failure[0] = reason;
        }
      });
    }
    if (failure[0] != null) {
      System.out.println("failed=" + failure[0]);
      System.exit(2);
    }
    System.out.println("bytes=" + bytes[0] + " sha256=" + HexFormat.of().formatHex(sha.digest())
        + " peakHeapMiB=" + peakHeapMiB());
  }

  private static long peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }

}
