package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUOTA, ACL, METADATA and COMPRESS are not advertised, so they are commands this server does not have, answered
 * with no untagged reply and no effect as Dovecot 2.3 answers them without the quota, acl and zlib plugins and
 * without imap_metadata (the judge here): BAD (unknown command), and for METADATA NO [CANNOT]. Before, James ran
 * some: GETQUOTAROOT answered OK with a QUOTAROOT line, GETACL, LISTRIGHTS and MYRIGHTS with an owner's rights.
 */
class UnofferedCommandsDovecotIT {
  private static final List<String> COMMANDS = List.of(
      "GETQUOTAROOT INBOX", "GETQUOTA \"\"", "SETQUOTA \"\" (STORAGE 10)",
      "GETACL INBOX", "SETACL INBOX bob lr", "DELETEACL INBOX bob", "LISTRIGHTS INBOX bob", "MYRIGHTS INBOX",
      "GETMETADATA INBOX /private/comment", "SETMETADATA INBOX (/private/comment \"note\")",
      "COMPRESS DEFLATE");

  @TempDir static Path dir;
  private static DovecotTwin twin;

  @BeforeAll
  static void start() throws Exception {
    twin = DovecotTwin.start(dir, List.of(new DovecotTwin.Message(1, Instant.parse("2024-01-02T03:04:05Z"),
        Flags.NONE, "Subject: one\r\n\r\nbody\r\n")));
  }

  @AfterAll
  static void stop() throws IOException {
    if (twin != null) {
      twin.close();
    }
  }

  /** Each command's untagged lines, the status word and response code of its tagged line; the INBOX selected. */
  private static List<String> answers(DovecotTwin.Server server) throws IOException {
    List<String> out = new ArrayList<>();
    try (RawImap imap = server.login()) {
      assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "), server.name());
      for (String command : COMMANDS) {
        List<String> lines = imap.command(command);
        String[] tagged = RawImap.last(lines).split(" ");
        String code = tagged[2].startsWith("[") ? " " + tagged[2] : "";
        out.add(command + " -> " + lines.subList(0, lines.size() - 1) + " " + tagged[1] + code);
        // A known command between them: neither server's limit on consecutive unknown commands is the subject here.
        assertTrue(RawImap.last(imap.command("NOOP")).contains(" OK "), server.name() + " after " + command);
      }
    }
    return out;
  }

  @Test
  void unadvertisedExtensionsAreUnknownCommandsAsOnDovecot() throws Exception {
    List<String> dovecot = answers(twin.dovecot());
    for (String answer : dovecot) {
      assertTrue(answer.endsWith(answer.contains("METADATA") ? "-> [] NO [CANNOT]" : "-> [] BAD"), "the judge: " + answer);
    }
    assertEquals(dovecot, answers(twin.dovetail()));
  }
}
