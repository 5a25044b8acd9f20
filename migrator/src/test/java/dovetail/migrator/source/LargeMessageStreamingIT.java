package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 50 MB message streams through fetchBodies in a JVM with a 64 MB heap: proof that no layer (ours or
 * Angus's) holds the message in memory. The fetch runs in a child JVM so that the limit is real.
 */
class LargeMessageStreamingIT {
  private static final int SIZE = 50 << 20;
  private GreenMailFixture server;

  @BeforeEach
  void start() {
    server = GreenMailFixture.imap();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aFiftyMegabyteMessageStreamsThroughASixtyFourMegabyteHeap() throws Exception {
    long uid;
    String expected;
    try (RawImapClient raw = server.client()) {
      uid = raw.append("INBOX", "", null, Corpus.sized(SIZE, 50));
      expected = Corpus.sha256(raw.fetchBody("INBOX", uid));
    }

    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path"), LargeMessageProbe.class.getName(),
        server.host(), Integer.toString(server.port()), server.user(), server.password(), "INBOX",
        Long.toString(uid)))
        .redirectErrorStream(true).start();
    String output = readAll(child);
    assertTrue(child.waitFor(180, TimeUnit.SECONDS), "the child JVM did not finish");
    assertEquals(0, child.exitValue(), output);

    Matcher m = Pattern.compile("bytes=(\\d+) sha256=(\\w+) peakHeapMiB=(\\d+)").matcher(output);
    assertTrue(m.find(), output);
    assertEquals(expected, m.group(2));
    assertTrue(Long.parseLong(m.group(1)) >= SIZE);
    System.out.println("50 MB message through -Xmx64m: " + m.group(0));
  }

  private static String readAll(Process child) throws IOException {
    return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
