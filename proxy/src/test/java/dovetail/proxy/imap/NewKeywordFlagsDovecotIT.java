package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyword that first comes with a new message (APPEND, COPY) is announced in an untagged FLAGS line to every session
 * that has the folder selected, as Dovecot does and as a STORE's new keyword already was (walk-through 12, T2: a
 * client that builds its keyword list from FLAGS, RFC 3501 §7.2.6, did not learn of it until it selected again).
 */
class NewKeywordFlagsDovecotIT {
  private static final byte[] MESSAGE = "Subject: k\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void aKeywordNewToTheFolderIsAnnouncedInFlagsToEverySessionAsDovecotDoes() throws Exception {
    DovecotTwin twin = DovecotTwin.start(dir, Instant.parse("2024-01-01T00:00:00Z"), List.of(MESSAGE));
    try {
      List<List<String>> seen = new ArrayList<>();
      for (DovecotTwin.Server server : List.of(twin.dovecot(), twin.dovetail())) {
        try (RawImap a = server.login(); RawImap b = server.login()) {
          assertTrue(RawImap.last(b.command("CREATE Other")).contains(" OK "));
          assertTrue(RawImap.last(b.append("Other", "($Copied)", MESSAGE)).contains(" OK "));
          assertTrue(RawImap.last(a.command("SELECT INBOX")).contains(" OK "));
          assertTrue(RawImap.last(b.command("SELECT INBOX")).contains(" OK "));
          List<String> flags = new ArrayList<>();
          flags.add("appender: " + flagsLine(b.append("INBOX", "($Appended)", MESSAGE), "$Appended"));
          flags.add("other session: " + flagsLine(a.command("NOOP"), "$Appended"));
          assertTrue(RawImap.last(b.command("SELECT Other")).contains(" OK "));
          assertTrue(RawImap.last(b.command("COPY 1 INBOX")).contains(" OK "));
          flags.add("other session after COPY: " + flagsLine(a.command("NOOP"), "$Copied"));
          seen.add(flags);
        }
      }
      assertEquals(seen.get(0), seen.get(1), "Dovecot, then Dovetail");
      assertEquals(List.of("appender: true", "other session: true", "other session after COPY: true"), seen.get(1));
    } finally {
      twin.close();
    }
  }

  /** Whether the response lines hold an untagged FLAGS line that lists {@code keyword}. */
  private static boolean flagsLine(List<String> lines, String keyword) {
    return lines.stream().anyMatch(l -> l.startsWith("* FLAGS (") && l.contains(keyword));
  }
}
