package dovetail.migrator.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Plays a protocol transcript (a test resource) as the legacy server, for the quirks of servers that we
 * cannot run here: Courier without UIDNEXT, Gmail throttling, a BYE in the middle of a FETCH.
 *
 * <p>Format, one line each: {@code S: text} is sent (with CRLF; {@code {tag}} becomes the tag of the
 * client's last command); {@code C: text} must be the client's next command, without its tag;
 * {@code #} starts a comment. Whatever the client sends that the transcript does not expect is
 * recorded and answered with BAD, so the test sees it in {@link #mismatches()}.
 */
final class TranscriptServer implements AutoCloseable {
  private final ServerSocket listener;
  private final List<String> script;
  private final List<String> mismatches = new ArrayList<>();
  private final Thread thread;

  TranscriptServer(String resource) {
    try (InputStream in = Objects.requireNonNull(TranscriptServer.class.getResourceAsStream(resource), resource)) {
      script = new String(in.readAllBytes(), ISO_8859_1).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
      listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::serve, "transcript " + resource);
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  LegacyImapEndpoint.Builder endpoint() {
    return LegacyImapEndpoint.builder("127.0.0.1").port(port()).password("secret")
        .features(java.util.Set.of("rfc822.size"))
        .timeouts(java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5));
  }

  /** Client lines that did not match, and script lines never reached. Empty when the play went as written. */
  List<String> mismatches() throws InterruptedException {
    thread.join(5000);
    synchronized (mismatches) {
      return List.copyOf(mismatches);
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }

  private void serve() {
    try (Socket socket = listener.accept()) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String tag = "*";
      for (int i = 0; i < script.size(); i++) {
        String line = script.get(i);
        if (line.startsWith("S: ")) {
          out.write((line.substring(3).replace("{tag}", tag) + "\r\n").getBytes(ISO_8859_1));
          out.flush();
        } else if (line.startsWith("C: ")) {
          String got = readLine(in);
          if (got == null) {
            record("client hung up; expected " + line);
            return;
          }
          int space = got.indexOf(' ');
          tag = space < 0 ? got : got.substring(0, space);
          String command = space < 0 ? "" : got.substring(space + 1);
          if (!command.equals(line.substring(3))) {
            record("expected '" + line.substring(3) + "' but got '" + command + "'");
            out.write((tag + " BAD not in the transcript\r\n").getBytes(ISO_8859_1));
            out.flush();
            return;
          }
        } else if (line.equals("CLOSE")) {
          return;
        }
      }
      // Let the client finish (LOGOUT) without failing the test.
      String rest = readLine(in);
      if (rest != null && rest.contains("LOGOUT")) {
        out.write(("* BYE\r\n" + rest.split(" ")[0] + " OK\r\n").getBytes(ISO_8859_1));
      }
    } catch (IOException e) {
      record("I/O: " + e);
    }
  }

  private void record(String problem) {
    synchronized (mismatches) {
      mismatches.add(problem);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, Math.max(0, bytes.length - 1), ISO_8859_1);
      }
      line.write(b);
    }
    return null;
  }
}
