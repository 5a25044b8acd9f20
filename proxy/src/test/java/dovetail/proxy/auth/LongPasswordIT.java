package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over-long passwords for a user and for a master user whose hashes are SHA512-CRYPT: IMAP LOGIN with a literal
 * just under the 8 KiB allowed before login (SHA-crypt of it costs about 0.2 s), and AUTHENTICATE PLAIN with a
 * 40 KB password in its answer line (about 8 s): NO, as for a wrong password, and refused by the length cap before
 * any hash is computed. The connection stays usable. Raw socket client, server on 127.0.0.1.
 */
class LongPasswordIT {
  @TempDir static Path dir;
  private static TestDovetail dovetail;
  private static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    logs = new LogCapture();
    dovetail = TestDovetail.builder(dir)
        .user("alice", PasswordSchemesTest.SHA512)
        .masterUser("admin", PasswordSchemesTest.SHA512)
        .start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    logs.close();
  }

  @Test
  void overLongPasswordsGetNoWithoutBeingHashed() throws Exception {
    byte[] password = new byte[8 * 1024 - 100];
    Arrays.fill(password, (byte) 'p');
    try (Socket s = new Socket("127.0.0.1", dovetail.imapPort())) {
      s.setSoTimeout(60_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      assertTrue(in.readLine().startsWith("* OK"));
      for (String user : List.of("alice", "alice*admin")) {
        String tag = user.contains("*") ? "m1" : "u1";
        out.write((tag + " LOGIN " + user + " {" + password.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String cont = in.readLine();
        assertTrue(cont.startsWith("+"), cont);
        out.write(password);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = tagged(in, tag);
        assertTrue(reply.startsWith(tag + " NO "), reply);
      }
      out.write("a2 LOGIN alice secret\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(tagged(in, "a2").startsWith("a2 OK "), "the connection goes on, and the real password works");
    }
    try (Socket s = new Socket("127.0.0.1", dovetail.imapPort())) { // a third failure would end the connection
      s.setSoTimeout(60_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      assertTrue(in.readLine().startsWith("* OK"));
      out.write("p1 AUTHENTICATE PLAIN\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String cont = in.readLine();
      assertTrue(cont.startsWith("+"), cont);
      String plain = "\0alice\0" + "p".repeat(40_000);
      out.write((Base64.getEncoder().encodeToString(plain.getBytes(StandardCharsets.US_ASCII)) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String reply = tagged(in, "p1");
      assertTrue(reply.startsWith("p1 NO "), reply);
    }
    List<String> refusals = logs.lines().stream().filter(l -> l.contains("authentication failed for user")).toList();
    assertEquals(3, refusals.stream()
        .filter(l -> l.contains("password longer than " + PasswordLength.MAX_BYTES + " bytes")).count(), refusals.toString());
    assertFalse(logs.contains("wrong password"), "no passdb was asked (it hashes first): " + refusals);
  }

  private static String tagged(BufferedReader in, String tag) throws Exception {
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(tag + " ")) {
        return line;
      }
      seen.add(line);
    }
    throw new AssertionError("connection closed after " + seen);
  }
}
