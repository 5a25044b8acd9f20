package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protocol transcripts (src/test/resources/transcripts) run against real Dovecot and against Dovetail, each on
 * its own copy of one store. A transcript's {@code S:} lines give, in order, the kind of every response to the
 * command before them: the tagged status (OK, NO, BAD), an untagged status with its response code
 * ({@code * OK [COPYUID 200 6 1]}), or an untagged response's name ({@code * EXPUNGE}). Response texts are not
 * compared, as the two servers word them differently. {@code S: *} accepts any untagged responses before a tagged
 * OK. Both servers must give exactly the transcript's answers.
 */
class TranscriptIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"invalid-names-and-list-options.txt", "move-copyuid-first.txt"})
  void dovecotAndDovetailAnswerAsTheTranscriptSays(String name) throws Exception {
    List<String> script = script(name);
    try (DovecotTwin twin = DovecotTwin.start(tmp, TranscriptIT::fill)) {
      assertEquals(script, run(script, twin.dovecot()), "Dovecot");
      assertEquals(script, run(script, twin.dovetail()), "Dovetail");
    }
  }

  /** Source: UIDs 5, 6, 9; Target: empty, UIDVALIDITY 200. */
  private static void fill(MailStore store) throws IOException {
    Mailbox source = store.create("Source", 100, 1);
    try (MailboxTransaction tx = source.begin()) {
      for (long uid : new long[] {5, 6, 9}) {
        tx.add(MessageMeta.withUid(uid, Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
            new ByteArrayInputStream(("Subject: " + uid + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII)));
      }
      tx.commit();
    }
    store.create("Target", 200, 1);
    store.create("INBOX", 300, 1);
  }

  private static List<String> script(String name) throws IOException {
    try (InputStream in = TranscriptIT.class.getResourceAsStream("/transcripts/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> l.startsWith("C: ") || l.startsWith("S: ")).toList();
    }
  }

  private static List<String> run(List<String> script, DovecotTwin.Server server) throws IOException {
    List<String> seen = new ArrayList<>();
    try (RawImap imap = RawImap.connect(server.imapPort())) {
      for (int i = 0; i < script.size(); i++) {
        String line = script.get(i);
        if (!line.startsWith("C: ")) {
          continue;
        }
        String command = line.substring(3);
        seen.add(line);
        List<String> answer = imap.command(command.equals("LOGIN") ? "LOGIN " + DovecotTwin.USER + " " + server.password() : command);
        boolean anyUntagged = i + 1 < script.size() && script.get(i + 1).equals("S: *");
        if (anyUntagged) {
          seen.add("S: *");
        }
        for (String response : answer) {
          String kind = kind(response);
          if (!(anyUntagged && kind.startsWith("* "))) {
            seen.add("S: " + kind);
          }
        }
      }
    }
    return seen;
  }

  private static final Pattern TAGGED = Pattern.compile("^\\S+ (OK|NO|BAD)\\b.*");
  private static final Pattern STATUS = Pattern.compile("^\\* (OK|NO|BAD|BYE)(?: \\[([^]]*)])?.*");
  private static final Pattern NUMBERED = Pattern.compile("^\\* \\d+ (\\S+).*");

  /** A response reduced to what the servers must agree on. */
  static String kind(String response) {
    Matcher m = STATUS.matcher(response);
    if (m.matches()) {
      return "* " + m.group(1) + (m.group(2) == null ? "" : " [" + m.group(2) + "]");
    }
    m = NUMBERED.matcher(response);
    if (m.matches()) {
      return "* " + m.group(1);
    }
    if (response.startsWith("* ")) {
      return "* " + response.substring(2).split(" ")[0];
    }
    m = TAGGED.matcher(response);
    return m.matches() ? m.group(1) : response;
  }
}
