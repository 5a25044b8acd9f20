package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.MessageMeta;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that are not Java: Python's imaplib (a full session, as a transcript) and curl (LIST and FETCH). */
class ExternalClientsIT {
  private static final String MESSAGE = "From: carol@example.org\nSubject: for curl\nMessage-ID: <curl@test>\n\nHello curl\n";

  /** One imaplib session; every reply is printed as "S: <command> <typ> <data>". */
  private static final String PYTHON = """
      import imaplib, ssl, sys
      port, cafile = int(sys.argv[1]), sys.argv[2]
      def show(cmd, r):
          typ, data = r
          flat = []
          for d in data:
              flat.append((d[0] + b' ' + d[1]).decode('latin-1') if isinstance(d, tuple) else (d or b'').decode('latin-1'))
          print('S:', cmd, typ, ' | '.join(flat))
      m = imaplib.IMAP4('127.0.0.1', port)
      ctx = ssl.create_default_context(cafile=cafile)
      show('STARTTLS', m.starttls(ctx))
      show('CAPABILITY', m.capability())
      show('LOGIN', m.login('alice', 'secret'))
      show('CREATE', m.create('Py'))
      show('LIST', m.list())
      show('SELECT', m.select('INBOX'))
      show('FETCH', m.uid('FETCH', '1:*', '(UID FLAGS RFC822.SIZE INTERNALDATE)'))
      show('APPEND', m.append('INBOX', '(\\\\Flagged $Important)', imaplib.Time2Internaldate(1700000000),
                             b'Subject: from python\\r\\n\\r\\nhi\\r\\n'))
      show('SEARCH', m.uid('SEARCH', 'FLAGGED'))
      show('STORE', m.uid('STORE', '1', '+FLAGS', '(\\\\Seen Todo)'))
      show('COPY', m.uid('COPY', '1', 'Py'))
      show('MOVE', m.uid('MOVE', '2', 'Py'))
      show('NOOP', m.noop())
      show('STORE', m.uid('STORE', '1', '+FLAGS', '(\\\\Deleted)'))
      show('EXPUNGE', m.expunge())
      show('STATUS', m.status('Py', '(MESSAGES UIDNEXT)'))
      show('LOGOUT', m.logout())
      """;

  @TempDir static Path dir;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    dovetail = TestDovetail.builder(dir).user("alice", "{PLAIN}secret").ssl("yes").start();
    MailStore store = dovetail.store("alice");
    store.create("INBOX", 5150, 1).append(MessageMeta.next(Instant.parse("2020-01-02T03:04:05Z"), Flags.of(SystemFlag.ANSWERED)),
        new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
    store.create("Curl", 6160, 40).append(MessageMeta.next(Instant.parse("2020-01-02T03:04:05Z"), Flags.NONE),
        new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
  }

  private static List<String> run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out.lines().toList();
  }

  private static boolean installed(String tool) {
    try {
      return new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void pythonImaplibSessionOverStartTls() throws Exception {
    assumeTrue(installed("python3"), "python3 is not installed");
    Path script = dir.resolve("session.py");
    Files.writeString(script, PYTHON);
    List<String> transcript = run(List.of("python3", script.toString(), Integer.toString(dovetail.imapPort()),
        dovetail.certificates().cert().toString()));
    String all = String.join("\n", transcript);
    List<String> failed = new ArrayList<>(transcript.stream().filter(l -> !l.startsWith("S: ") || !l.split(" ")[2].equals("OK"))
        .filter(l -> !l.startsWith("S: LOGOUT BYE")).toList());
    assertEquals(List.of(), failed, all);
    String fetched = transcript.stream().filter(l -> l.startsWith("S: FETCH")).findFirst().orElseThrow();
    assertTrue(fetched.contains("UID 1") && fetched.contains("FLAGS (\\Answered)")
        && fetched.contains("RFC822.SIZE " + MESSAGE.replace("\n", "\r\n").length())
        && fetched.contains("INTERNALDATE \"02-Jan-2020 03:04:05 +0000\""), fetched);
    assertTrue(all.contains("[APPENDUID 5150 2]"), all);
    assertTrue(all.contains("S: SEARCH OK 2"), all);
    assertTrue(all.contains("S: STATUS OK \"Py\" (MESSAGES 2 UIDNEXT 3)") || all.contains("S: STATUS OK Py (MESSAGES 2 UIDNEXT 3)"), all);
    MailStore store = dovetail.store("alice");
    assertEquals(List.of(), store.open("INBOX").messages(), "1 expunged, 2 moved");
    var py = store.open("Py").messages();
    assertEquals(2, py.size());
    assertTrue(py.get(0).flags().keywords().contains("Todo"), py.get(0).toString());
    assertTrue(py.get(1).flags().keywords().contains("$Important"), py.get(1).toString());
    assertEquals(Instant.ofEpochSecond(1700000000), py.get(1).internalDate(), "APPEND's date is the INTERNALDATE");
  }

  @Test
  void curlListsAndFetches() throws Exception {
    assumeTrue(installed("curl"), "curl is not installed");
    String base = "imap://127.0.0.1:" + dovetail.imapPort() + "/";
    List<String> tls = List.of("--ssl-reqd", "--cacert", dovetail.certificates().cert().toString());
    List<String> list = new ArrayList<>(List.of("curl", "-s", "--max-time", "30", "--user", "alice:secret"));
    list.addAll(tls);
    list.add(base);
    List<String> listed = run(list);
    assertTrue(listed.stream().anyMatch(l -> l.contains("\"INBOX\"")), listed.toString());
    assertTrue(listed.stream().anyMatch(l -> l.contains("\"Curl\"")), listed.toString());
    List<String> fetch = new ArrayList<>(List.of("curl", "-s", "--max-time", "30", "--user", "alice:secret"));
    fetch.addAll(tls);
    fetch.add(base + "Curl;UID=40");
    String body = String.join("\n", run(fetch));
    assertTrue(body.contains("Subject: for curl") && body.contains("Hello curl"), body);
  }
}
