package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IMAP LOGIN command with Dovecot's master-user name {@code user*master} (auth_master_user_separator), quoted
 * and as an atom, from a raw socket, Python's imaplib and curl; the same LOGIN lines run against real Dovecot with
 * the same master user, and the two servers must answer alike.
 */
class MasterLoginCommandIT {
  private static final String MASTER_PASSWORD = "Admin-Pass-7";

  @TempDir static Path dir;
  private static TestDovetail dovetail;
  private static DovecotServer dovecot;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir.resolve("dovetail")).user("alice", "{PLAIN}alice-pw")
        .user("erin@example.org", "{PLAIN}erin-pw").masterUser("admin", "{PLAIN}" + MASTER_PASSWORD).start();
    dovetail.store("alice").create("Alice-Only");
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static synchronized DovecotServer dovecot() throws Exception {
    DovecotServer.assumeInstalled();
    if (dovecot == null) {
      dovecot = DovecotServer.builder(dir.resolve("dovecot")).user("alice", "alice-pw")
          .user("erin@example.org", "erin-pw").masterUser("admin", MASTER_PASSWORD).start();
    }
    return dovecot;
  }

  /** Sends each line (tag "a1", "a2", ...) and keeps the tagged reply's status word, then LOGOUT. */
  private static List<String> statuses(int port, List<String> commands) throws IOException {
    List<String> out = new ArrayList<>();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream o = s.getOutputStream();
      in.readLine(); // greeting
      int tag = 0;
      for (String command : commands) {
        String t = "a" + (++tag);
        o.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
        String line;
        while (!(line = in.readLine()).startsWith(t + " ")) {
          if (line.startsWith("* LIST") && line.contains("Alice-Only")) {
            out.add("alice's folder listed");
          }
        }
        out.add(command.split(" ")[0] + " " + line.split(" ")[1]);
      }
    }
    return out;
  }

  private static final List<List<String>> SESSIONS = List.of(
      List.of("LOGIN \"alice*admin\" \"" + MASTER_PASSWORD + "\"", "LIST \"\" *"),
      List.of("LOGIN alice*admin " + MASTER_PASSWORD, "LIST \"\" *"),
      List.of("LOGIN {11+}\r\nalice*admin " + MASTER_PASSWORD, "LIST \"\" *"),
      List.of("LOGIN alice*admin wrong-password"),
      List.of("LOGIN *admin " + MASTER_PASSWORD));

  /**
   * A user name with a domain (walk-through 6, W3: 'BAD failed. Illegal arguments.', as James read
   * "example.org*admin" as the domain; Dovecot logs in).
   */
  private static final List<List<String>> DOMAIN_SESSIONS = List.of(
      List.of("LOGIN erin@example.org*admin " + MASTER_PASSWORD, "SELECT INBOX"),
      List.of("LOGIN \"Erin@Example.ORG*admin\" \"" + MASTER_PASSWORD + "\"", "SELECT INBOX"),
      List.of("LOGIN erin@example.org*admin wrong-password"));

  @Test
  void aUserWithADomainLogsInWithTheMasterSeparatorOverImapAndPop3() throws IOException {
    assertEquals(List.of("LOGIN OK", "SELECT OK"), statuses(dovetail.imapPort(), DOMAIN_SESSIONS.get(0)));
    assertEquals(List.of("LOGIN OK", "SELECT OK"), statuses(dovetail.imapPort(), DOMAIN_SESSIONS.get(1)));
    assertEquals(List.of("LOGIN NO"), statuses(dovetail.imapPort(), DOMAIN_SESSIONS.get(2)));
    try (Socket s = new Socket("127.0.0.1", dovetail.pop3Port())) {
      s.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream o = s.getOutputStream();
      assertTrue(in.readLine().startsWith("+OK"));
      for (String command : List.of("USER erin@example.org*admin", "PASS " + MASTER_PASSWORD, "STAT", "QUIT")) {
        o.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        o.flush();
        String reply = in.readLine();
        assertTrue(reply.startsWith("+OK"), command + ": " + reply);
      }
    }
  }

  @Test
  void loginWithMasterSeparatorOpensTheUsersMailbox() throws IOException {
    for (List<String> session : SESSIONS.subList(0, 3)) {
      assertEquals(List.of(session.get(0).split(" ")[0] + " OK", "alice's folder listed", "LIST OK"),
          statuses(dovetail.imapPort(), session), session.get(0));
    }
    assertEquals(List.of("LOGIN NO"), statuses(dovetail.imapPort(), SESSIONS.get(3)));
  }

  @Test
  void dovetailAnswersMasterLoginsAsDovecotDoes() throws Exception {
    int dovecotPort = dovecot().imapPort();
    List<List<String>> all = new ArrayList<>(SESSIONS);
    all.addAll(DOMAIN_SESSIONS);
    for (List<String> session : all) {
      List<String> onDovetail = new ArrayList<>(statuses(dovetail.imapPort(), session));
      onDovetail.remove("alice's folder listed"); // that folder is only in Dovetail's store
      assertEquals(statuses(dovecotPort, session), onDovetail, session.get(0));
    }
  }

  /** RFC 3501's continue-req is "+" SP, also for AUTHENTICATE's empty challenge (James 3.8.1 sent "+" alone). */
  @Test
  void authenticateIsContinuedAsDovecotContinuesIt() throws Exception {
    assertEquals(authenticateContinuation(dovecot().imapPort()), authenticateContinuation(dovetail.imapPort()));
    assertEquals("+ ", authenticateContinuation(dovetail.imapPort()));
  }

  /** A client that cancels AUTHENTICATE ("*", RFC 3501 §6.2.2) gets BAD, as from Dovecot, not a failed login. */
  @Test
  void authenticateCancelledByTheClientIsBadAsInDovecot() throws Exception {
    for (int port : new int[] {dovecot().imapPort(), dovetail.imapPort()}) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        in.readLine();
        OutputStream out = s.getOutputStream();
        out.write("a AUTHENTICATE PLAIN\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(in.readLine().startsWith("+"));
        out.write("*\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String answer = in.readLine();
        assertTrue(answer.startsWith("a BAD ") && answer.contains("Authentication aborted by client"), port + ": " + answer);
      }
    }
  }

  private static String authenticateContinuation(int port) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      in.readLine();
      s.getOutputStream().write("a AUTHENTICATE PLAIN\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return in.readLine();
    }
  }

  private static boolean installed(String tool) {
    try {
      return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }

  @Test
  void pythonImaplibLogsInAsMaster() throws Exception {
    assumeTrue(installed("python3"), "python3 is not installed");
    Path script = dir.resolve("master.py");
    Files.writeString(script, """
        import imaplib, sys
        m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
        print(m.login('alice*admin', sys.argv[2])[0])
        print(m.list()[1])
        m.logout()
        """);
    String out = run(List.of("python3", script.toString(), Integer.toString(dovetail.imapPort()), MASTER_PASSWORD));
    assertTrue(out.startsWith("OK") && out.contains("Alice-Only"), out);
  }

  /**
   * curl 7.88 sends AUTHENTICATE PLAIN whenever the server offers it (its "AUTH=+LOGIN" login option, which forces
   * the LOGIN command, came later), so the user*master name arrives as the SASL authentication id here, and the
   * authorization id form is tried too.
   */
  @Test
  void curlLogsInAsMaster() throws Exception {
    assumeTrue(installed("curl"), "curl is not installed");
    String url = "imap://127.0.0.1:" + dovetail.imapPort() + "/";
    String separator = run(List.of("curl", "-s", "--max-time", "30", "--user", "alice*admin:" + MASTER_PASSWORD, url));
    assertTrue(separator.contains("Alice-Only"), separator);
    String authzid = run(List.of("curl", "-s", "--max-time", "30", "--user", "admin:" + MASTER_PASSWORD,
        "--sasl-authzid", "alice", url));
    assertTrue(authzid.contains("Alice-Only"), authzid);
  }
}
