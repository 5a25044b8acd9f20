package dovetail.proxy.pop3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Python's poplib as a POP3 client in a child process (poplib_session.py): STAT, LIST, UIDL, RETR and TOP n 0. */
final class PoplibClient {
  private PoplibClient() {}

  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
  }

  /** The session's results as JSON: stat, list, uidl, retr (SHA-256 of each message), top. */
  static JsonNode session(Path dir, int port, String user, String password) throws Exception {
    Path script = dir.resolve("poplib_session.py");
    if (!Files.exists(script)) {
      try (InputStream in = PoplibClient.class.getResourceAsStream("poplib_session.py")) {
        Files.copy(in, script);
      }
    }
    Process p = new ProcessBuilder("python3", script.toString(), "127.0.0.1", Integer.toString(port), user, password)
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("poplib session failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new ObjectMapper().readTree(out);
  }
}
