package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's reset is told apart from the server's own I/O errors, which are both plain IOExceptions from the JDK
 * (review 16, F7: every non-TLS IOException counted as the client going away, so a disk error was one INFO line).
 */
class ClientDisconnectsTest {
  @Test
  void aResetByTheClientIsTheConnection() throws Exception {
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SocketChannel client = SocketChannel.open(listener.getLocalAddress());
      try (SocketChannel server = listener.accept()) {
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close(); // RST
        IOException reset = assertThrows(IOException.class, () -> {
          for (int i = 0; i < 100; i++) {
            server.read(ByteBuffer.allocate(16));
            server.write(ByteBuffer.wrap(new byte[8192]));
            Thread.sleep(10);
          }
        });
        assertTrue(ClientDisconnects.fromTheConnection(reset), reset.toString());
      }
    }
  }

  @Test
  void aFileErrorOfTheServerIsNot(@TempDir Path dir) throws Exception {
    try (FileChannel directory = FileChannel.open(dir)) {
      IOException disk = assertThrows(IOException.class, () -> directory.read(ByteBuffer.allocate(16)));
      assertFalse(ClientDisconnects.fromTheConnection(disk), disk.toString());
    }
    assertFalse(ClientDisconnects.fromTheConnection(new javax.net.ssl.SSLHandshakeException("no cipher")));
    assertFalse(ClientDisconnects.fromTheConnection(new IllegalStateException("a bug")));
  }

  /** An interrupted file write is a ClosedChannelException too (review 17): the client's only once it is gone. */
  @Test
  void anInterruptedFileWriteIsNotTheClientUnlessTheConnectionIsClosed(@TempDir Path dir) throws Exception {
    IOException interrupted;
    try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(dir.resolve("f"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      Thread.currentThread().interrupt();
      interrupted = assertThrows(java.nio.channels.ClosedByInterruptException.class,
          () -> file.write(ByteBuffer.wrap(new byte[1])));
    } finally {
      Thread.interrupted();
    }
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClientDisconnectsTest.class);
    io.netty.channel.embedded.EmbeddedChannel open =
        new io.netty.channel.embedded.EmbeddedChannel(new io.netty.channel.ChannelInboundHandlerAdapter());
    assertFalse(ClientDisconnects.handled(log, open.pipeline().firstContext(), interrupted));
    io.netty.channel.embedded.EmbeddedChannel closed =
        new io.netty.channel.embedded.EmbeddedChannel(new io.netty.channel.ChannelInboundHandlerAdapter());
    io.netty.channel.ChannelHandlerContext context = closed.pipeline().firstContext();
    closed.close();
    assertTrue(ClientDisconnects.handled(log, context, new java.nio.channels.ClosedChannelException()));
  }
}
