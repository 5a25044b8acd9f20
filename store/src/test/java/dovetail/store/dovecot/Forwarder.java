package dovetail.store.dovecot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A plain TCP forwarder on a fixed loopback port in front of the legacy server: the service's settings keep
 * its port while the legacy server behind it is stopped and restarted on another one. It counts the
 * connections, which is how a test sees how many legacy sessions the service opened.
 */
public final class Forwarder implements AutoCloseable {
  private final LoopbackRelay relay;
  private volatile int target;
  private long fromServer;
  private long stallAt = Long.MAX_VALUE;
  private final java.util.concurrent.atomic.AtomicInteger dropAtLogin = new java.util.concurrent.atomic.AtomicInteger();

  public Forwarder(int target) throws IOException {
    this.target = target;
    this.relay = new LoopbackRelay("forwarder", () -> this.target, (n, client, server) -> {
      boolean drop = dropAtLogin.getAndUpdate(k -> Math.max(0, k - 1)) > 0;
      LoopbackRelay.relay(client, server, () -> pump(client, server, false, drop));
      LoopbackRelay.relay(server, client, () -> pump(server, client, true, false));
    });
  }

  public int port() {
    return relay.port();
  }

  public int connections() {
    return relay.connections();
  }

  public void retarget(int port) {
    target = port;
  }

  /**
   * Lets the legacy server send only {@code bytes} more (over all connections), then holds what it sends until
   * {@link #cutAll()} or {@link #flowing()}: a client cannot have read a large folder ahead before a test cuts it.
   */
  public synchronized void stallAfter(long bytes) {
    stallAt = fromServer + bytes;
  }

  /**
   * The next {@code count} connections are closed when the client sends LOGIN or AUTHENTICATE, without an answer, as
   * Dovecot's imap-login drops a client whose session no imap process is free for (process_limit reached).
   */
  public void dropAtLogin(int count) {
    dropAtLogin.set(count);
  }

  /** Undoes {@link #stallAfter}. */
  public synchronized void flowing() {
    stallAt = Long.MAX_VALUE;
    notifyAll();
  }

  /** Waits until {@code n} more server bytes may pass; false when the connection was cut meanwhile. */
  private synchronized boolean mayPass(int n, Socket to) throws InterruptedException {
    while (fromServer + n > stallAt && !to.isClosed()) {
      wait(50);
    }
    fromServer += n;
    return !to.isClosed();
  }

  private void pump(Socket from, Socket to, boolean fromLegacy, boolean dropAtLogin)
      throws IOException, InterruptedException {
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (fromLegacy && !mayPass(n, to)) {
          break;
        }
        String sent = dropAtLogin ? new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
        if (sent.matches("(?is)\\S+ (LOGIN|AUTHENTICATE) .*")) {
          break; // both sides closed, the login unanswered
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    }
  }

  /** Closes every forwarded connection now, as a legacy server that dies would; new ones still reach the target. */
  public void cutAll() {
    relay.cutAll();
  }

  @Override
  public void close() {
    relay.close();
  }
}
