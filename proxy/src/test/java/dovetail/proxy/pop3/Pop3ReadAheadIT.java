package dovetail.proxy.pop3;

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
 * The POP3 twin of the IMAP ReadAheadIT: while a command waits on the command pool (here a wrong PASS, or AUTH
 * PLAIN's answer, refused only after the failure delay), the server reads what the client sends meanwhile only up
 * to {@link PendingInput}'s bound; then it stops reading and TCP holds the client. So a client that streams
 * pipelined commands without reading is stopped after that bound and what the two kernels buffer, however much it
 * sends.
 */
class Pop3ReadAheadIT {
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
  void whatAClientSendsWhileItsPassIsCheckedIsHeldToTheBound() throws Exception {
    try (Socket socket = connect()) {
      RawLines.send(socket.getOutputStream(), "USER alice");
      assertTrue(RawLines.line(socket.getInputStream()).startsWith("+OK"), "USER");
      RawLines.send(socket.getOutputStream(), "PASS wrong");
      UnreadStream.assertHeld(socket, "NOOP", PendingInput.MAX_BYTES);
    }
  }

  /** AUTH's answer line goes to a line handler: the same wait, the same bound. */
  @Test
  void whatAClientSendsWhileItsAuthAnswerIsCheckedIsHeldToTheBound() throws Exception {
    try (Socket socket = connect()) {
      RawLines.send(socket.getOutputStream(), "AUTH PLAIN");
      assertTrue(RawLines.line(socket.getInputStream()).startsWith("+"), "continuation request");
      RawLines.send(socket.getOutputStream(),
          Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes(StandardCharsets.US_ASCII)));
      UnreadStream.assertHeld(socket, "NOOP", PendingInput.MAX_BYTES);
    }
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.setSendBufferSize(SEND_BUFFER);
    socket.connect(new InetSocketAddress("127.0.0.1", dovetail.pop3Port()));
    socket.setSoTimeout(60_000); // a hang guard only
    assertTrue(RawLines.line(socket.getInputStream()).startsWith("+OK"));
    return socket;
  }
}
