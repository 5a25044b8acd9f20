package dovetail.store.dovecot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP forwarder on a fixed loopback port in front of the legacy server: the service's settings keep
 * its port while the legacy server behind it is stopped and restarted on another one. It counts the
 * connections, which is how a test sees how many legacy sessions the service opened.
 */
public final class Forwarder implements AutoCloseable {
  private final ServerSocket listener;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile int target;
  private volatile boolean closed;
  private long fromServer;
  private long stallAt = Long.MAX_VALUE;

  public Forwarder(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::accept, "forwarder-accept");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public int connections() {
    return connections.get();
  }

  public void retarget(int port) {
    target = port;
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), target);
      } catch (IOException refused) {
        closeQuietly(client); // the legacy server is down: the client sees the connection end
        continue;
      }
      open.add(client);
      open.add(server);
      pump(client, server, false);
      pump(server, client, true);
    }
  }

  /**
   * Lets the legacy server send only {@code bytes} more (over all connections), then holds what it sends until
   * {@link #cutAll()} or {@link #flowing()}: a client cannot have read a large folder ahead before a test cuts it.
   */
  public synchronized void stallAfter(long bytes) {
    stallAt = fromServer + bytes;
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

  private void pump(Socket from, Socket to, boolean fromLegacy) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (fromLegacy && !mayPass(n, to)) {
            break;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException ignored) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "forwarder-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Closes every forwarded connection now, as a legacy server that dies would; new ones still reach the target. */
  public void cutAll() {
    open.forEach(Forwarder::closeQuietly);
    open.clear();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    open.forEach(Forwarder::closeQuietly);
  }
}
