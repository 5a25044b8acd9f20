package dovetail.proxy.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.GeneratedMessage;
import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.ServeChild;
import dovetail.store.Flags;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dovetail serve} with a 64 MB heap answers RETR of a 200 MB message (bare LF line ends, so every byte
 * goes through the CRLF view): the message streams from disk and is never held in memory.
 */
class Pop3LargeMessageIT {
  private static final int LINES = 200 * 1024 * 1024 / 77;
  private static final String HEADER = GeneratedMessage.HEADER;

  @TempDir Path dir;

  @Test
  void retrOfA200MbMessageStreamsWithA64MbHeap() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    String location = "maildir:" + dir.resolve("mail") + "/%n/Maildir";
    Files.writeString(conf, "imap_listen =\npop3_listen = 127.0.0.1:0\nlmtp_listen =\npassdb = passwd-file:" + dir.resolve("passwd")
        + "\nmail_location = " + location + "\nadmin_socket = " + dir.resolve("a.sock") + "\n");
    MailStore store = MaildirStore.forUser(MailLocation.parse(location), "alice", StoreOptions.DEFAULT);
    try (InputStream in = new BufferedInputStream(GeneratedMessage.of(LINES), 1 << 16)) {
      store.open("INBOX").append(MessageMeta.next(Instant.now(), Flags.NONE), in);
    }
    long expected = HEADER.length() + 2L + (long) LINES * 78;

    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx64m"));
        Socket s = new Socket("127.0.0.1", server.awaitPop3Port(60))) {
      s.setSoTimeout(60_000);
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      OutputStream out = s.getOutputStream();
      assertTrue(RawLines.line(in).startsWith("+OK"));
      RawLines.send(out, "USER alice");
      assertTrue(RawLines.line(in).startsWith("+OK"));
      RawLines.send(out, "PASS secret");
      assertTrue(RawLines.line(in).startsWith("+OK"));
      RawLines.send(out, "LIST 1");
      assertEquals("+OK 1 " + expected, RawLines.line(in), "LIST is the CRLF size, as RFC822.SIZE");
      RawLines.send(out, "RETR 1");
      assertTrue(RawLines.line(in).startsWith("+OK"));
      long bytes = 0;
      long lfs = 0;
      int previous = '\n';
      int c;
      // Up to the terminating ".": no line of this message starts with a dot, so none is stuffed.
      while ((c = in.read()) >= 0 && !(c == '.' && previous == '\n')) {
        if (c == '\n') {
          assertEquals('\r', previous, "every line ends with CRLF");
          lfs++;
        }
        previous = c;
        bytes++;
      }
      assertEquals(expected, bytes);
      assertEquals(LINES + 2, lfs);
      assertEquals("", RawLines.line(in), "the terminating line is exactly '.'");
      RawLines.send(out, "QUIT");
      assertTrue(RawLines.line(in).startsWith("+OK"));
      assertTrue(server.isAlive(), "the server did not run out of memory");
    }
  }
}
