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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP LOGIN with a 100 KB literal password, for a user and for a master user whose hashes are SHA512-CRYPT: NO,
 * as for a wrong password, and refused by the length cap before any hash is computed (SHA-crypt of 100 KB would
 * hash about 10 GB). The connection stays usable. Raw socket client, server on 127.0.0.1.
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
  void loginWithAHundredKilobytePasswordGetsNoWithoutHashingIt() throws Exception {
    byte[] password = new byte[100 * 1024];
    Arrays.fill(password, (byte) 'p');
    try (Socket s = new Socket("127.0.0.1", dovetail.imapPort())) {
      s.setSoTimeout(120_000);
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
    List<String> refusals = logs.lines().stream().filter(l -> l.contains("authentication failed for user")).toList();
    assertEquals(2, refusals.stream()
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
