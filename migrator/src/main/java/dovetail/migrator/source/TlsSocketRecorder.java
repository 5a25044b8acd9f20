package dovetail.migrator.source;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS socket factory of one connection, which remembers the socket it made (for IMAPS, and again for STARTTLS),
 * so that {@link WireProtocol} can frame responses over it as it does over a plain socket: Angus creates the socket
 * and keeps it to itself.
 */
final class TlsSocketRecorder extends SSLSocketFactory {
  private final SSLSocketFactory factory;
  private volatile Socket last;

  TlsSocketRecorder(SSLSocketFactory factory) {
    this.factory = factory;
  }

  /** The socket made last, or null before the first. */
  Socket last() {
    return last;
  }

  private Socket recorded(Socket socket) {
    last = socket;
    return socket;
  }

  @Override
  public Socket createSocket() throws IOException {
    return recorded(factory.createSocket());
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return recorded(factory.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return recorded(factory.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return recorded(factory.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return recorded(factory.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return recorded(factory.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return factory.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return factory.getSupportedCipherSuites();
  }
}
