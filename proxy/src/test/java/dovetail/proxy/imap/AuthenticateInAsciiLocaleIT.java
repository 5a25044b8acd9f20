package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.ServeChild;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walk-through 16, F2: a server whose JVM has an ASCII default charset (systemd's default environment has no LANG)
 * refused every AUTHENTICATE PLAIN with a non-ASCII password, as James decoded the SASL message in that charset,
 * while LOGIN with the same password worked. SASL PLAIN is UTF-8 (RFC 4616).
 */
class AuthenticateInAsciiLocaleIT {
  private static final String PASSWORD = "pässwörd€";

  @TempDir Path dir;

  @Test
  void aNonAsciiPasswordAuthenticatesWhateverTheServersDefaultCharset() throws Exception {
    Files.writeString(dir.resolve("passwd"), "bob:{PLAIN}" + PASSWORD + "\n", StandardCharsets.UTF_8);
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen =\npassdb = passwd-file:"
        + dir.resolve("passwd") + "\nmail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\nadmin_socket = "
        + dir.resolve("a.sock") + "\n");
    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx128m", "-Dfile.encoding=US-ASCII"))) {
      int port = server.awaitImapPort(60);
      String plain = Base64.getEncoder().encodeToString(("\0bob\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      String asItself = Base64.getEncoder().encodeToString(("bob\0bob\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        RawLines.line(in);
        RawLines.send(out, "a AUTHENTICATE PLAIN " + plain);
        String answer = untilTagged(in, "a");
        assertTrue(answer.startsWith("a OK"), answer + "\n" + server.output());
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        RawLines.line(in);
        RawLines.send(out, "b AUTHENTICATE PLAIN");
        String go = RawLines.line(in);
        assertTrue(go.startsWith("+"), go);
        // An authorization id that names the user itself is a plain login, as in Dovecot.
        RawLines.send(out, asItself);
        String answer = untilTagged(in, "b");
        assertTrue(answer.startsWith("b OK"), answer + "\n" + server.output());
      }
    }
  }

  private static String untilTagged(InputStream in, String tag) throws IOException {
    for (int i = 0; i < 50; i++) { // RawLines gives "" at the end of the stream: bounded, not a loop for ever
      String line = RawLines.line(in);
      if (line.startsWith(tag + " ")) {
        return line;
      }
    }
    throw new IOException("no tagged answer " + tag);
  }
}
