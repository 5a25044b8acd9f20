package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.TestDovetail;
import dovetail.proxy.server.UnreadStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a login is checked off the event loop (here a wrong password, answered only after the failure delay), in
 * AUTHENTICATE's answer line or in a command, the server reads what the client sends meanwhile only up to the
 * read-ahead ({@link FrameLimits#readAhead()}); then it stops reading and TCP holds the client. So a client that
 * streams commands without reading is stopped after the read-ahead and what the two kernels buffer, however much it
 * sends.
 */
class ReadAheadIT {
  /** Outlasts the test: the login is being checked all the while the client streams. */
  private static final Duration DELAY = Duration.ofSeconds(60);
  /** The client's send buffer (Linux doubles it; {@link Socket#getSendBufferSize()} tells what it became). */
  private static final int SEND_BUFFER = 64 * 1024;

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").failureDelay(DELAY).start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  @Test
  void whatAClientSendsWhileItsAuthenticateAnswerIsCheckedIsHeldToTheReadAhead() throws Exception {
    try (Socket socket = connect()) {
      RawLines.send(socket.getOutputStream(), "a AUTHENTICATE PLAIN");
      assertTrue(RawLines.line(socket.getInputStream()).startsWith("+"), "continuation request");
      RawLines.send(socket.getOutputStream(),
          Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.US_ASCII)));
      UnreadStream.assertHeld(socket, "n NOOP", FrameLimits.DEFAULT.readAhead());
    }
  }

  /** The same wait as any command's: LOGIN's check runs off the event loop too. */
  @Test
  void whatAClientSendsWhileItsLoginIsCheckedIsHeldToTheReadAhead() throws Exception {
    try (Socket socket = connect()) {
      RawLines.send(socket.getOutputStream(), "a LOGIN alice wrong");
      UnreadStream.assertHeld(socket, "n NOOP", FrameLimits.DEFAULT.readAhead());
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.setSendBufferSize(SEND_BUFFER);
    socket.connect(new InetSocketAddress("127.0.0.1", dovetail.imapPort()));
    socket.setSoTimeout(60_000); // a hang guard only
    assertTrue(RawLines.line(socket.getInputStream()).startsWith("* OK"));
    return socket;
  }
}
