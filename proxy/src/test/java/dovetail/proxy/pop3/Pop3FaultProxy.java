package dovetail.proxy.pop3;

import dovetail.store.dovecot.LoopbackRelay;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A POP3 proxy in front of a real legacy POP3 server that breaks the protocol the way broken servers do, around
 * message 3 (set with {@link #fault}, for every command from then on). It reads command by command (POP3 clients do
 * not pipeline here) and knows which answers are multi-line. Listens on 127.0.0.1, a free port.
 */
final class Pop3FaultProxy implements AutoCloseable {
  enum Fault {
    /** Forwards faithfully. */
    NONE,
    /** Message 3 is left out of the UIDL list, and {@code UIDL 3} is answered -ERR. */
    UIDL_MISSING,
    /** Message 3 is left out of the UIDL list, and {@code UIDL 3} is answered "+OK" with no UIDL. */
    UIDL_MISSING_UNREADABLE,
    /** NOOP is answered -ERR. */
    NOOP_REFUSED,
    /** Message 3 is listed with message 2's UIDL. */
    UIDL_SHARED,
    /**
     * As Courier: CAPA lists UTF8, and until the client sends UTF8 a message whose headers hold raw 8-bit bytes is
     * served (TOP, RETR) as a generated notice with other headers.
     */
    UTF8_AS_COURIER,
    /** CAPA lists UTF8, and the UTF8 command is refused; messages are served as they are. */
    UTF8_REFUSED
  }

  /** What Courier serves for a message with raw UTF-8 headers to a client that did not send UTF8. */
  static final String UNICODE_PLACEHOLDER = "Subject: Cannot display Unicode content\r\n\r\n";

  private static final Set<String> MULTI_LINE_ALWAYS = Set.of("CAPA", "RETR", "TOP");
  private static final Set<String> MULTI_LINE_WITHOUT_ARGUMENT = Set.of("UIDL", "LIST");

  private final LoopbackRelay relay;
  private volatile Fault fault = Fault.NONE;
  private final AtomicInteger utf8Commands = new AtomicInteger();

  Pop3FaultProxy(int targetPort) throws IOException {
    this.relay = new LoopbackRelay("pop3-fault-proxy", () -> targetPort, (n, client, server) -> {
      InputStream clientIn = new BufferedInputStream(client.getInputStream());
      InputStream serverIn = new BufferedInputStream(server.getInputStream());
      LoopbackRelay.relay(client, server, () -> relay(clientIn, client.getOutputStream(), serverIn,
          server.getOutputStream()));
    });
  }

  int port() {
    return relay.port();
  }

  void fault(Fault value) {
    fault = value;
  }

  /** How many UTF8 commands clients sent (answered here, never forwarded). */
  int utf8Commands() {
    return utf8Commands.get();
  }

  private void relay(InputStream clientIn, OutputStream clientOut, InputStream serverIn, OutputStream serverOut)
      throws IOException {
    write(clientOut, line(serverIn)); // greeting
    boolean utf8 = false;
    while (true) {
      String command = line(clientIn);
      if (command == null) {
        return;
      }
      String[] words = command.trim().split(" ");
      String verb = words[0].toUpperCase(Locale.ROOT);
      Fault now = fault;
      if (now == Fault.NOOP_REFUSED && verb.equals("NOOP")) {
        write(clientOut, "-ERR Unknown command: NOOP\r\n");
        continue;
      }
      boolean listsUtf8 = now == Fault.UTF8_AS_COURIER || now == Fault.UTF8_REFUSED;
      if (listsUtf8 && verb.equals("UTF8")) {
        utf8Commands.incrementAndGet();
        utf8 = now == Fault.UTF8_AS_COURIER;
        write(clientOut, utf8 ? "+OK UTF8 enabled\r\n" : "-ERR Unknown command: UTF8\r\n");
        continue;
      }
      if (verb.equals("UIDL") && words.length > 1 && words[1].equals("3")) {
        if (now == Fault.UIDL_MISSING) {
          write(clientOut, "-ERR No such message\r\n");
          continue;
        }
        if (now == Fault.UIDL_MISSING_UNREADABLE) {
          write(clientOut, "+OK\r\n");
          continue;
        }
      }
      write(serverOut, command);
      String status = line(serverIn);
      if (status == null) {
        return;
      }
      write(clientOut, status);
      boolean multiLine = status.startsWith("+OK") && (MULTI_LINE_ALWAYS.contains(verb)
          || MULTI_LINE_WITHOUT_ARGUMENT.contains(verb) && words.length == 1);
      if (multiLine && now == Fault.UTF8_AS_COURIER && !utf8 && (verb.equals("TOP") || verb.equals("RETR"))) {
        write(clientOut, withoutRawUtf8Headers(serverIn));
        continue;
      }
      String second = null;
      while (multiLine) {
        String line = line(serverIn);
        if (line == null) {
          return;
        }
        if (verb.equals("UIDL") && !line.equals(".\r\n")) {
          if (line.startsWith("2 ")) {
            second = line.substring(2);
          } else if (line.startsWith("3 ") && (now == Fault.UIDL_MISSING || now == Fault.UIDL_MISSING_UNREADABLE)) {
            continue;
          } else if (line.startsWith("3 ") && now == Fault.UIDL_SHARED) {
            line = "3 " + second;
          }
        }
        if (listsUtf8 && verb.equals("CAPA") && line.equals(".\r\n")) {
          write(clientOut, "UTF8 USER\r\n"); // as Courier lists it
        }
        write(clientOut, line);
        multiLine = !line.equals(".\r\n");
      }
      if (verb.equals("QUIT")) {
        return;
      }
    }
  }

  /** The rest of a TOP or RETR answer, or Courier's notice instead when its headers hold 8-bit bytes. */
  private static String withoutRawUtf8Headers(InputStream serverIn) throws IOException {
    StringBuilder answer = new StringBuilder();
    boolean inHeaders = true;
    boolean eightBit = false;
    for (String line = line(serverIn); line != null; line = line(serverIn)) {
      answer.append(line);
      if (line.equals(".\r\n")) {
        break;
      }
      inHeaders = inHeaders && !line.equals("\r\n");
      eightBit |= inHeaders && line.chars().anyMatch(c -> c > 0x7f);
    }
    return eightBit ? UNICODE_PLACEHOLDER + ".\r\n" : answer.toString();
  }

  /** One line with its CRLF, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() {
    relay.close();
  }
}
