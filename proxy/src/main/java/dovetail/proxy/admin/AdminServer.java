package dovetail.proxy.admin;

import dovetail.migrator.service.Migrations;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoint: {@code admin_socket}, a Unix domain socket of mode 0600, so that only the account that runs
 * the server (and root) can reach it; never a TCP port. Each connection runs on its own thread, since a
 * {@code migrate --wait} holds its connection for as long as the migration runs.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  /** How often {@code migrate --wait} looks at the user's status to report progress. */
  static final Duration POLL_EVERY = Duration.ofSeconds(1);

  private final SocketFile socket;
  private final AdminVerbs verbs;
  private final ExecutorService connections;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessions = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean closed;

  private AdminServer(SocketFile socket, AdminVerbs verbs) {
    this.socket = socket;
    this.verbs = verbs;
    AtomicInteger threads = new AtomicInteger();
    this.connections = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "dovetail-admin-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "dovetail-admin-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Binds {@code socket} (see {@link SocketFile}) and starts answering.
   *
   * @throws IOException when the socket cannot be bound, or another server answers on it
   */
  public static AdminServer start(Path socket, Migrations migrations) throws IOException {
    return start(socket, migrations, POLL_EVERY);
  }

  static AdminServer start(Path socket, Migrations migrations, Duration pollEvery) throws IOException {
    AdminServer server = new AdminServer(SocketFile.bind(socket), new AdminVerbs(migrations, pollEvery));
    server.acceptor.start();
    LOG.info("admin socket listening on {}", server.socket.path());
    return server;
  }

  public Path socket() {
    return socket.path();
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel channel;
      try {
        channel = socket.channel().accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("admin socket: accept failed: {}", e.toString());
          pause(); // e.g. out of file descriptors: do not spin
        }
        continue;
      }
      String session = "admin-" + sessions.incrementAndGet();
      open.add(channel);
      AdminConnection connection = new AdminConnection(channel, verbs, session);
      try {
        connections.execute(() -> {
          try {
            connection.run();
          } finally {
            open.remove(channel);
          }
        });
      } catch (RejectedExecutionException closing) {
        open.remove(channel);
        closeQuietly(channel);
        return;
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing is all we wanted.
    }
  }

  /** Stops listening, ends every connection (running migrations go on in the service) and removes the socket. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      LOG.warn("admin socket: could not remove {}: {}", socket.path(), e.toString());
    }
    open.forEach(AdminServer::closeQuietly);
    connections.shutdownNow();
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
