package dovetail.store.dovecot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * What every TCP proxy of the tests shares: a listener on 127.0.0.1 (a free port) that connects each client to the
 * target port and hands the pair to the proxy's {@link Connection}; closing the relay closes every socket. A target
 * that refuses the connection (a legacy server that is down) ends the client's connection, as a dead server would.
 */
public final class LoopbackRelay implements AutoCloseable {
  /** Starts relaying one client: {@code number} counts from 1. */
  public interface Connection {
    void start(int number, Socket client, Socket server) throws IOException;
  }

  /** The work of one relay thread; both sockets are closed when it ends, however it ends. */
  public interface Pump {
    void run() throws IOException, InterruptedException;
  }

  private final ServerSocket listener;
  private final IntSupplier target;
  private final Connection connection;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** @param target the port to connect each client to, asked anew for each client */
  public LoopbackRelay(String name, IntSupplier target, Connection connection) throws IOException {
    this.target = target;
    this.connection = connection;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(name + "-accept", this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Clients accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      int number = connections.incrementAndGet();
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), target.getAsInt());
      } catch (IOException refused) {
        closeQuietly(client);
        continue;
      }
      open.add(client);
      open.add(server);
      try {
        connection.start(number, client, server);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
      }
    }
  }

  /** Runs {@code pump} on a daemon thread of its own; closes both sockets when it ends. */
  public static void relay(Socket a, Socket b, Pump pump) {
    daemon("relay-pump", () -> {
      try {
        pump.run();
      } catch (IOException | InterruptedException e) {
        // a side went away
      } finally {
        closeQuietly(a);
        closeQuietly(b);
      }
    });
  }

  /** Closes every relayed connection now, as a server that dies would; new clients are still relayed. */
  public void cutAll() {
    open.forEach(LoopbackRelay::closeQuietly);
    open.clear();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
  }

  private static void daemon(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
  }

  public static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
