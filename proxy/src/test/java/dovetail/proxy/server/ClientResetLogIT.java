package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.proxy.auth.LogCapture;
import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A POP3 or LMTP client whose connection is reset (a phone that lost its network) is one INFO line, as an IMAP one
 * is and as Dovecot logs it; each was an ERROR with a 14-line stack trace (walk-through 14, L7).
 */
class ClientResetLogIT {
  @TempDir Path dir;

  @Test
  void aResetConnectionIsOneInfoLineInPop3AndLmtp() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").start();
        LogCapture logs = new LogCapture()) {
      byte[] big = ("Subject: big\r\n\r\n" + "x".repeat(76) + "\r\n").repeat(20_000).getBytes(StandardCharsets.US_ASCII);
      dovetail.store("alice").open("INBOX").append(MessageMeta.next(Instant.now(), Flags.NONE), new ByteArrayInputStream(big));

      resetAfter(dovetail.pop3Port(), List.of("USER alice", "PASS secret", "RETR 1"));
      resetAfter(dovetail.lmtpPort(), List.of("LHLO mta", "MAIL FROM:<a@example.org>", "RCPT TO:<alice>", "DATA",
          "Subject: cut\r\n\r\nhalf a message"));
      // How the server meets a reset depends on what it was doing (a read or write error is logged; a channel found
      // closed logs nothing): wait for the first line either way, then for stragglers.
      awaitResetLogged(logs);
      Thread.sleep(1_000);

      assertEquals(List.of(), logs.problems(), "a client that went away is not a problem of the server");
    }
  }

  /**
   * Sends the lines (reading each one's first answer line; a message's text gets none), then closes with RST
   * (SO_LINGER 0) while the server still writes (RETR) or waits for the rest (DATA).
   */
  private static void resetAfter(int port, List<String> lines) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      RawLines.line(in); // greeting
      for (int i = 0; i < lines.size(); i++) {
        RawLines.send(out, lines.get(i));
        if (i < lines.size() - 1 || !lines.get(i).startsWith("Subject:")) { // a message's text gets no answer
          RawLines.line(in);
        }
      }
      s.setSoLinger(true, 0);
    }
  }

  private static void awaitResetLogged(LogCapture logs) throws InterruptedException {
    for (int i = 0; i < 200 && !logs.contains("disconnected: ") && logs.problems().isEmpty(); i++) {
      Thread.sleep(50);
    }
  }
}
