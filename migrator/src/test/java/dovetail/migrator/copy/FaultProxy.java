package dovetail.migrator.copy;

import dovetail.store.dovecot.LoopbackRelay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A TCP proxy between Dovetail and the legacy server that misbehaves on purpose, one {@link Fault} per
 * connection (OkHttp MockWebServer's SocketPolicy, as STYLE item 14 suggests). Faults act on what the
 * server sends, where the bulk of the bytes flows. Listens on 127.0.0.1, a free port.
 */
final class FaultProxy implements AutoCloseable {
  enum Fault {
    /** Forwards faithfully. */
    NONE,
    /** Closes both sides after a random number of server bytes. */
    CUT_AT_RANDOM_OFFSET,
    /** Stops forwarding server bytes at a random offset and keeps the connection open: the client must time out. */
    STALL,
    /** Forwards the server's bytes in small pieces with pauses: a slow, but correct server. */
    SLOW_DRIP,
    /** Closes right after the greeting, before login completes. */
    DISCONNECT_AFTER_GREETING,
    /** Puts a 100 MB quoted string (no literal) into the first FETCH response: a line without end. */
    HUGE_FETCH_ITEM,
    /** The same in the first LIST response. */
    HUGE_LIST_ITEM,
    /** The same as the first message body fetched (a quoted string in place of the literal). */
    HUGE_BODY,
    /** Every FETCH of UID 3 says UID 2: two messages under one UID, as a broken server lists them. */
    UID_3_AS_2;

    /** Where a HUGE_* fault puts its string: right after this text. */
    String hugeAfter() {
      return switch (this) {
        case HUGE_FETCH_ITEM -> " FETCH (";
        case HUGE_LIST_ITEM -> "* LIST (";
        case HUGE_BODY -> " BODY[]<0> ";
        default -> null;
      };
    }
  }

  static final long HUGE_ITEM_BYTES = 100L << 20;
  private static final byte[] UID_3 = "FETCH (UID 3 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] UID_2 = "FETCH (UID 2 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final LoopbackRelay relay;
  private final IntFunction<Fault> faults;
  private final long minCutOffset;
  private final long maxCutOffset;
  private final Random random;
  private final AtomicInteger struck = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param faults the fault of the n-th connection (1-based)
   * @param maxCutOffset cuts and stalls happen uniformly in [1, maxCutOffset] server bytes
   */
  FaultProxy(int targetPort, IntFunction<Fault> faults, long maxCutOffset, long seed) throws IOException {
    this(targetPort, faults, 1, maxCutOffset, seed);
  }

  /** As above, with cuts and stalls uniformly in [minCutOffset, maxCutOffset] server bytes. */
  FaultProxy(int targetPort, IntFunction<Fault> faults, long minCutOffset, long maxCutOffset, long seed)
      throws IOException {
    this.faults = faults;
    this.minCutOffset = minCutOffset;
    this.maxCutOffset = maxCutOffset;
    this.random = new Random(seed);
    this.relay = new LoopbackRelay("fault-proxy", () -> targetPort, this::start);
  }

  /** A seed for the proxy's offsets: {@code -Dfault.seed=N} replays a failure, else a new one each run. */
  static long seed() {
    String fixed = System.getProperty("fault.seed", "").trim();
    return fixed.isEmpty() ? System.nanoTime() : Long.parseLong(fixed);
  }

  int port() {
    return relay.port();
  }

  int connections() {
    return relay.connections();
  }

  /**
   * Connections on which a fault struck (cut, stall begun, hang-up). Counted before the client can notice: a run that
   * ended incomplete because of one already sees it here.
   */
  int struck() {
    return struck.get();
  }

  private void start(int number, Socket client, Socket server) throws IOException {
    Fault fault = faults.apply(number);
    long offset;
    synchronized (random) {
      offset = minCutOffset + (long) (random.nextDouble() * (maxCutOffset - minCutOffset + 1));
    }
    InputStream fromClient = client.getInputStream();
    OutputStream toServer = server.getOutputStream();
    InputStream fromServer = server.getInputStream();
    OutputStream toClient = client.getOutputStream();
    LoopbackRelay.relay(client, server, () -> pump(fromClient, toServer, Fault.NONE, 0));
    LoopbackRelay.relay(client, server, () -> pump(fromServer, toClient, fault, offset));
  }

  private void pump(InputStream in, OutputStream out, Fault fault, long offset) throws IOException, InterruptedException {
    byte[] buffer = new byte[16384];
    long sent = 0;
    Random local = new Random(offset);
    String hugeAfter = fault.hugeAfter();
    int matched = 0;
    while (true) {
      int n = in.read(buffer);
      if (n < 0) {
        return;
      }
      switch (fault) {
        case UID_3_AS_2 -> {
          // A partial match is held back until it becomes the text (replaced) or not (written as it was): server
          // output ends in CRLF, which the text lacks, so nothing stays held when the server waits.
          for (int i = 0; i < n; i++) {
            byte b = buffer[i];
            if (b == UID_3[matched]) {
              if (++matched == UID_3.length) {
                struck.incrementAndGet();
                out.write(UID_2);
                matched = 0;
              }
            } else {
              out.write(UID_3, 0, matched);
              matched = b == UID_3[0] ? 1 : 0;
              if (matched == 0) {
                out.write(b);
              }
            }
          }
        }
        case HUGE_FETCH_ITEM, HUGE_LIST_ITEM, HUGE_BODY -> {
          for (int i = 0; i < n; i++) {
            out.write(buffer[i]);
            matched = buffer[i] == hugeAfter.charAt(matched) ? matched + 1 : buffer[i] == hugeAfter.charAt(0) ? 1 : 0;
            if (matched == hugeAfter.length()) {
              struck.incrementAndGet();
              writeHugeItem(out);
              out.write(buffer, i + 1, n - i - 1);
              fault = Fault.NONE; // once per connection
              break;
            }
          }
        }
        case CUT_AT_RANDOM_OFFSET, STALL -> {
          if (sent + n >= offset) {
            struck.incrementAndGet();
            out.write(buffer, 0, (int) (offset - sent));
            out.flush();
            if (fault == Fault.STALL) {
              while (!closed && !Thread.currentThread().isInterrupted() && in.read(buffer) >= 0) {
                // swallow what the server sends; the client hears nothing more
              }
            }
            return;
          }
          out.write(buffer, 0, n);
        }
        case SLOW_DRIP -> {
          for (int i = 0; i < n; ) {
            int piece = Math.min(n - i, 1 + local.nextInt(200));
            out.write(buffer, i, piece);
            out.flush();
            i += piece;
            if (local.nextInt(30) == 0) {
              Thread.sleep(1);
            }
          }
        }
        case DISCONNECT_AFTER_GREETING -> {
          struck.incrementAndGet();
          out.write(buffer, 0, n);
          out.flush();
          return;
        }
        case NONE -> out.write(buffer, 0, n);
      }
      out.flush();
      sent += n;
    }
  }

  /** {@code "yyy..." } of {@link #HUGE_ITEM_BYTES}, written as it goes: the proxy holds none of it. */
  private static void writeHugeItem(OutputStream out) throws IOException {
    byte[] piece = new byte[1 << 16];
    java.util.Arrays.fill(piece, (byte) 'y');
    out.write('"');
    for (long left = HUGE_ITEM_BYTES; left > 0; left -= piece.length) {
      out.write(piece, 0, (int) Math.min(piece.length, left));
    }
    out.write(new byte[] {'"', ' '});
  }

  @Override
  public void close() {
    closed = true;
    relay.close();
  }
}
