package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with a 64 MB heap serves a 100 MB message (bare LF line ends, so every byte goes through the CRLF
 * view) and takes a 40 MB APPEND: both stream; neither is held in memory.
 */
class LargeMessageStreamingIT {
  private static final int LINES = 100 * 1024 * 1024 / 77;
  private static final String HEADER = GeneratedMessage.HEADER;

  @TempDir Path dir;

  @Test
  void fetchAndAppendStreamWithASmallHeap() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen = 127.0.0.1:0\npassdb = passwd-file:" + dir.resolve("passwd")
        + "\nmail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\nadmin_socket = " + dir.resolve("a.sock") + "\n");
    MailStore store = MaildirStore.forUser(MailLocation.parse("maildir:" + dir.resolve("mail") + "/%n/Maildir"), "alice",
        StoreOptions.DEFAULT);
    try (InputStream in = new BufferedInputStream(GeneratedMessage.of(LINES), 1 << 16)) {
      store.open("INBOX").append(MessageMeta.next(Instant.now(), Flags.NONE), in);
    }
    long expected = HEADER.length() + 2L + (long) LINES * 78;

    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx64m"))) {
      int port = server.awaitImapPort(60);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(60_000);
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        OutputStream out = s.getOutputStream();
        RawLines.line(in);
        RawLines.send(out, "a LOGIN alice secret");
        RawLines.line(in);
        RawLines.send(out, "b SELECT INBOX");
        while (!RawLines.line(in).startsWith("b ")) {
          // untagged SELECT data
        }
        RawLines.send(out, "c UID FETCH 1 (RFC822.SIZE BODY.PEEK[])");
        String fetch = RawLines.line(in);
        assertTrue(fetch.contains("RFC822.SIZE " + expected) && fetch.endsWith("{" + expected + "}"), fetch);
        long lfs = 0;
        byte[] buf = new byte[1 << 16];
        long left = expected;
        int previous = 0;
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          assertTrue(n > 0, "the literal ended early, " + left + " bytes short");
          for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
              assertEquals('\r', i > 0 ? buf[i - 1] : previous, "every line ends with CRLF");
              lfs++;
            }
          }
          previous = buf[n - 1];
          left -= n;
        }
        assertEquals(LINES + 2, lfs);
        RawLines.line(in);
        assertTrue(RawLines.line(in).startsWith("c OK"));

        long appendSize = 40L * 1024 * 1024;
        RawLines.send(out, "d APPEND INBOX {" + appendSize + "}");
        assertTrue(RawLines.line(in).startsWith("+"));
        byte[] chunk = ("y".repeat(1022) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        out.write("Subject: appended\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        long written = "Subject: appended\r\n\r\n".length();
        while (written < appendSize) {
          int n = (int) Math.min(chunk.length, appendSize - written);
          out.write(chunk, 0, n);
          written += n;
        }
        RawLines.send(out, "");
        String appended = RawLines.line(in);
        while (appended.startsWith("* ")) {
          appended = RawLines.line(in); // EXISTS for the selected folder
        }
        assertTrue(appended.startsWith("d OK") && appended.contains("APPENDUID"), appended);
      }
      assertEquals(2, store.open("INBOX").messages().size());
      assertEquals(appendSizeOnDisk(store), 40L * 1024 * 1024);
    }
  }

  private static long appendSizeOnDisk(MailStore store) {
    return store.open("INBOX").messages().get(1).size();
  }
}
