package dovetail.migrator.source;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A server that closes every connection as soon as it accepts it, before any greeting: what couriertcpd does with a
 * connection over its per-address limit (MAXPERIP). Listens on 127.0.0.1, a free port.
 */
final class ClosingServer implements AutoCloseable {
  private final ServerSocket listener;

  ClosingServer() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!listener.isClosed()) {
        try (Socket s = listener.accept()) {
          // closed at once
        } catch (IOException e) {
          // the listener closed
        }
      }
    }, "closing-server");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
