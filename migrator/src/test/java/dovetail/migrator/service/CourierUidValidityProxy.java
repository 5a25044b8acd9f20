package dovetail.migrator.service;

import dovetail.store.dovecot.LoopbackRelay;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IMAP proxy in front of a real Dovecot that shows folders as Courier-IMAP 5 shows a folder without a UID database
 * (mail delivered there and read over POP3 only; review 19, with a real Courier): every STATUS, EXAMINE and SELECT of
 * such a folder reports a new UIDVALIDITY, until a read-write SELECT, which makes the database; from then on the folder
 * shows its real (Dovecot's) value. Everything else passes unchanged; literals are copied as bytes, never rewritten.
 * Listens on 127.0.0.1, a free port.
 */
final class CourierUidValidityProxy implements AutoCloseable {
  private static final Pattern COMMAND = Pattern.compile("^\\S+ (SELECT|EXAMINE) (\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern STATUS = Pattern.compile("^\\* STATUS (\"(?:[^\"\\\\]|\\\\.)*\"|\\S+) ");
  private static final Pattern UIDVALIDITY = Pattern.compile("UIDVALIDITY \\d+");
  private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?\\}$");

  private final LoopbackRelay relay;
  /** Folders that got their UID database (a SELECT went through), by name as the client sent it. */
  private final Set<String> withDatabase = ConcurrentHashMap.newKeySet();
  /** Courier's value is the time; each report here is a later one. */
  private final AtomicLong clock = new AtomicLong(795_000_000L);
  private final AtomicLong selects = new AtomicLong();

  private final boolean greetAsCourier;

  /** @param greetAsCourier whether the greeting names Courier-IMAP too (Dovetail then SELECTs without being told) */
  CourierUidValidityProxy(int targetPort, boolean greetAsCourier) throws IOException {
    this.greetAsCourier = greetAsCourier;
    this.relay = new LoopbackRelay("courier-proxy", () -> targetPort, (n, client, server) -> {
      Connection c = new Connection();
      LoopbackRelay.relay(client, server, () -> c.fromClient(client, server));
      LoopbackRelay.relay(server, client, () -> c.fromServer(server, client));
    });
  }

  int port() {
    return relay.port();
  }

  /** Read-write SELECTs that went through. */
  long selects() {
    return selects.get();
  }

  /** One client's session: which folder its last SELECT or EXAMINE named. */
  private final class Connection {
    private volatile String selecting;
    private boolean greeted;

    void fromClient(Socket client, Socket server) throws IOException {
      pump(client, server, line -> {
        Matcher m = COMMAND.matcher(line);
        if (m.find()) {
          String folder = unquote(m.group(2));
          if (m.group(1).toUpperCase(Locale.ROOT).equals("SELECT")) {
            withDatabase.add(folder);
            selects.incrementAndGet();
          }
          selecting = folder;
        }
        return line;
      });
    }

    void fromServer(Socket server, Socket client) throws IOException {
      pump(server, client, line -> {
        if (!greeted) {
          greeted = true;
          return greetAsCourier ? line.replaceFirst("] .*$", "] Courier-IMAP ready. Copyright 1998-2019 Double"
              + " Precision, Inc.  See COPYING for distribution information.") : line;
        }
        Matcher status = STATUS.matcher(line);
        String folder = status.find() ? unquote(status.group(1))
            : line.startsWith("* OK [UIDVALIDITY ") ? selecting : null;
        if (folder == null || withDatabase.contains(folder)) {
          return line;
        }
        return UIDVALIDITY.matcher(line).replaceFirst("UIDVALIDITY " + clock.incrementAndGet());
      });
    }
  }

  /** Copies lines, each through {@code edit}; the bytes of a literal that ends a line go through as they are. */
  private static void pump(Socket from, Socket to, java.util.function.UnaryOperator<String> edit) throws IOException {
    try (InputStream in = new BufferedInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        line.write(b);
        if (b != '\n') {
          continue;
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        line.reset();
        String body = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.trim();
        out.write((edit.apply(body) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        Matcher literal = LITERAL.matcher(body);
        if (literal.find()) {
          out.write(in.readNBytes(Integer.parseInt(literal.group(1))));
        }
        out.flush();
      }
    }
  }

  private static String unquote(String name) {
    return name.startsWith("\"") ? name.substring(1, name.length() - 1).replaceAll("\\\\(.)", "$1") : name;
  }

  @Override
  public void close() {
    relay.close();
  }
}
