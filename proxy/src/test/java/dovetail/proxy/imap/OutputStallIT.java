package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.auth.LogCapture;
import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading what it asked for is disconnected once its output has stood still for the stall timeout
 * (Dovecot: 5 minutes, "Disconnected for inactivity in reading our output"); it was held for as long as its TCP stack
 * answered (walk-through 14, L6). POP3 too (Dovecot: 10 minutes). A quiet client with nothing owed is not.
 */
class OutputStallIT {
  private static final int SIZE = 30 * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void aClientThatStopsReadingIsDisconnectedAndAQuietOneIsNot() throws Exception {
    try (TestDovetail dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret")
        .outputStall(Duration.ofSeconds(2)).start(); LogCapture logs = new LogCapture()) {
      byte[] big = ("Subject: big\r\n\r\n" + "x".repeat(SIZE)).getBytes(StandardCharsets.US_ASCII);
      dovetail.store("alice").open("INBOX").append(MessageMeta.next(Instant.now(), Flags.NONE),
          new ByteArrayInputStream(big));

      try (Socket quiet = login(dovetail.imapPort()); Socket stalled = login(dovetail.imapPort())) {
        InputStream in = new BufferedInputStream(stalled.getInputStream(), 4096);
        RawLines.send(stalled.getOutputStream(), "c FETCH 1 BODY.PEEK[]");
        assertTrue(RawLines.line(in).startsWith("* 1 FETCH"));
        Thread.sleep(6_000); // reads nothing: the server's output stands still
        long received = 0;
        byte[] buf = new byte[1 << 16];
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
          received += n;
        }
        assertTrue(received < SIZE, "the connection was closed before the message was sent: " + received + " bytes");
        assertTrue(logs.contains("disconnected for inactivity in reading our output"), String.join("\n", logs.lines()));

        // POP3 alike: a RETR nobody reads.
        try (Socket pop = new Socket()) {
          pop.setReceiveBufferSize(4096);
          pop.setSoTimeout(30_000);
          pop.connect(new InetSocketAddress("127.0.0.1", dovetail.pop3Port()));
          InputStream p = new BufferedInputStream(pop.getInputStream(), 4096);
          OutputStream po = pop.getOutputStream();
          RawLines.line(p);
          RawLines.send(po, "USER alice");
          RawLines.line(p);
          RawLines.send(po, "PASS secret");
          RawLines.line(p);
          RawLines.send(po, "RETR 1");
          assertTrue(RawLines.line(p).startsWith("+OK"));
          Thread.sleep(6_000);
          long popReceived = 0;
          for (int n = p.read(buf); n > 0; n = p.read(buf)) {
            popReceived += n;
          }
          assertTrue(popReceived < SIZE, "POP3: the connection was closed early: " + popReceived + " bytes");
        }

        // The quiet one owed nothing all that time and is still there.
        InputStream q = new BufferedInputStream(quiet.getInputStream());
        RawLines.send(quiet.getOutputStream(), "d NOOP");
        String line = RawLines.line(q);
        while (line.startsWith("* ")) { // news of the others' sessions (POP3's RETR marked the message \Seen)
          line = RawLines.line(q);
        }
        assertEquals("d OK NOOP completed.", line);
      }
    }
  }

  /** A logged-in connection with INBOX selected and a small receive buffer. */
  private static Socket login(int port) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress("127.0.0.1", port));
    InputStream in = new BufferedInputStream(s.getInputStream());
    OutputStream out = s.getOutputStream();
    RawLines.line(in);
    RawLines.send(out, "a LOGIN alice secret");
    RawLines.line(in);
    RawLines.send(out, "b SELECT INBOX");
    for (String l = RawLines.line(in); !l.startsWith("b "); l = RawLines.line(in)) {
      // untagged SELECT data
    }
    return s;
  }
}
