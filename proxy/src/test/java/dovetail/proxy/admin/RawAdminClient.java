package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Speaks the admin protocol line by line, so tests can send what AdminClient never would. */
final class RawAdminClient implements AutoCloseable {
  private final SocketChannel channel;
  private final OutputStream out;
  private final BufferedReader in;

  RawAdminClient(Path socket) throws IOException {
    channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    out = Channels.newOutputStream(channel);
    in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
  }

  void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next reply line as JSON, or null at the end of the stream. */
  JsonNode read() throws IOException {
    String line = in.readLine();
    return line == null ? null : AdminProtocol.JSON.readTree(line);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
