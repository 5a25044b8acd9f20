package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.RawLines;
import dovetail.proxy.server.TestDovetail;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mail_max_userip_connections (walk-through 19, F5: 500 sessions of one user from one address were accepted, and
 * nothing bounded them): the next login of a user who has that many sessions from the address is refused with
 * Dovecot's words, the others' logins are not, and a session that ends gives its place back.
 */
class UserIpLimitIT {
  private static final String LIMIT = "Maximum number of connections from user+IP exceeded"
      + " (mail_max_userip_connections=2)";
  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}alice-pw").user("bob", "{PLAIN}bob-pw")
        .setting("mail_max_userip_connections = 2").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  /** A connection, its greeting read. */
  private record Client(Socket socket, InputStream in, OutputStream out) implements AutoCloseable {
    static Client to(int port) throws IOException {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setSoTimeout(20_000);
      Client c = new Client(s, s.getInputStream(), s.getOutputStream());
      RawLines.line(c.in);
      return c;
    }

    /** Sends a line and returns the answer's last line (the tagged one for IMAP, tag "a"). */
    String say(String line) throws IOException {
      RawLines.send(out, line);
      String answer = RawLines.line(in);
      while (answer.startsWith("* ")) {
        answer = RawLines.line(in);
      }
      return answer;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void imapRefusesTheThirdSessionOfAUserFromOneAddressAndTakesOneOnceAnotherEnds() throws Exception {
    List<Client> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Client c = Client.to(dovetail.imapPort());
        open.add(c);
        assertTrue(c.say("a LOGIN alice alice-pw").startsWith("a OK"));
      }
      try (Client third = Client.to(dovetail.imapPort()); Client bob = Client.to(dovetail.imapPort())) {
        assertEquals("a NO [LIMIT] " + LIMIT, third.say("a LOGIN alice alice-pw"));
        assertTrue(bob.say("a LOGIN bob bob-pw").startsWith("a OK"), "another user is not limited");
      }
      assertTrue(open.get(0).say("a LOGOUT").startsWith("a OK"));
      open.remove(0).close();
      assertTrue(loginWithin(dovetail.imapPort(), "a LOGIN alice alice-pw", "a OK"), "the place was not given back");
    } finally {
      for (Client c : open) {
        c.close();
      }
    }
  }

  @Test
  void pop3RefusesTheThirdSessionToo() throws Exception {
    List<Client> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Client c = Client.to(dovetail.pop3Port());
        open.add(c);
        assertTrue(c.say("USER alice").startsWith("+OK"));
        assertTrue(c.say("PASS alice-pw").startsWith("+OK"));
      }
      try (Client third = Client.to(dovetail.pop3Port())) {
        assertTrue(third.say("USER alice").startsWith("+OK"));
        assertEquals("-ERR [SYS/TEMP] " + LIMIT, third.say("PASS alice-pw"));
      }
      open.remove(0).close(); // a dropped connection gives its place back too
      assertTrue(loginWithin(dovetail.pop3Port(), null, "+OK"), "the place was not given back");
    } finally {
      for (Client c : open) {
        c.close();
      }
    }
  }

  /** Whether a new login of alice succeeds within 10 s (the end of a session is seen when its connection closes). */
  private static boolean loginWithin(int port, String imapLogin, String ok) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Client c = Client.to(port)) {
        String answer = imapLogin != null ? c.say(imapLogin) : c.say("USER alice").startsWith("+OK")
            ? c.say("PASS alice-pw") : "";
        if (answer.startsWith(ok)) {
          return true;
        }
      }
      Thread.sleep(100);
    }
    return false;
  }
}
