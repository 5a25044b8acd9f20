package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelining (RFC 2449) goes on working across {@link PendingInput}'s bound: reading stops and starts again. */
class Pop3PipeliningBoundIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /**
   * Far more pipelined commands than the bound, some of them long lines, in one stream: all are answered, in order
   * (reading stops and starts again many times on the way).
   */
  @Test
  void pipelinedCommandsBeyondTheBoundAreAllAnsweredInOrder() throws Exception {
    try (Socket socket = connect()) {
      String pad = "x".repeat(4000);
      String[] commands = {"NOOP", "STAT", "XPAD " + pad};
      int count = 3 * 1000; // 1,000 lines of 4 KB: 4 MB, 16 times the bound in bytes, 47 times in lines
      StringBuilder stream = new StringBuilder("USER alice\r\nPASS secret\r\n");
      for (int i = 0; i < count; i++) {
        stream.append(commands[i % 3]).append("\r\n");
      }
      stream.append("QUIT\r\n");
      byte[] bytes = stream.toString().getBytes(StandardCharsets.US_ASCII);
      Thread writer = new Thread(() -> {
        try {
          socket.getOutputStream().write(bytes);
        } catch (IOException e) {
          // the assertions below say what went wrong
        }
      }, "pop3-pipeline-writer");
      writer.start();
      InputStream in = socket.getInputStream();
      assertTrue(line(in).startsWith("+OK"), "USER");
      assertTrue(line(in).startsWith("+OK"), "PASS");
      for (int i = 0; i < count; i++) {
        String reply = line(in);
        String expected = i % 3 == 0 ? "+OK" : i % 3 == 1 ? "+OK 0 0" : "-ERR";
        assertTrue(reply.startsWith(expected), "reply " + i + " to " + commands[i % 3].substring(0, 4) + ": " + reply);
      }
      assertTrue(line(in).startsWith("+OK"), "QUIT");
      writer.join();
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", dovetail.pop3Port()));
    socket.setSoTimeout(60_000); // a hang guard only
    assertTrue(line(socket.getInputStream()).startsWith("+OK"));
    return socket;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).stripTrailing();
  }
}
