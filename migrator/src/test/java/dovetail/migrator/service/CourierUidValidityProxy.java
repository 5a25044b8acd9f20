package dovetail.migrator.service;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

  private final ServerSocket listener;
  private final int targetPort;
  /** Folders that got their UID database (a SELECT went through), by name as the client sent it. */
  private final Set<String> withDatabase = ConcurrentHashMap.newKeySet();
  /** Courier's value is the time; each report here is a later one. */
  private final AtomicLong clock = new AtomicLong(795_000_000L);
  private final AtomicLong selects = new AtomicLong();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private final boolean greetAsCourier;

  /** @param greetAsCourier whether the greeting names Courier-IMAP too (Dovetail then SELECTs without being told) */
  CourierUidValidityProxy(int targetPort, boolean greetAsCourier) throws IOException {
    this.targetPort = targetPort;
    this.greetAsCourier = greetAsCourier;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::accept, "courier-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Read-write SELECTs that went through. */
  long selects() {
    return selects.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(server);
        Connection c = new Connection();
        start(() -> c.fromClient(client, server), "courier-proxy-up");
        start(() -> c.fromServer(server, client), "courier-proxy-down");
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** One client's session: which folder its last SELECT or EXAMINE named. */
  private final class Connection {
    private volatile String selecting;
    private boolean greeted;

    void fromClient(Socket client, Socket server) {
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

    void fromServer(Socket server, Socket client) {
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
  private void pump(Socket from, Socket to, java.util.function.UnaryOperator<String> edit) {
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
    } catch (IOException e) {
      // the other side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static String unquote(String name) {
    return name.startsWith("\"") ? name.substring(1, name.length() - 1).replaceAll("\\\\(.)", "$1") : name;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}
