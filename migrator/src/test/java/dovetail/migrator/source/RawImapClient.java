package dovetail.migrator.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately dumb IMAP client for tests: it puts exact bytes on the legacy server (APPEND with a
 * literal, names as raw octets) and reads exact bytes back, independently of Angus. It is the oracle
 * for "the bytes the server sent". Strings are octets, one char each (ISO-8859-1).
 */
final class RawImapClient implements AutoCloseable {
  private static final Pattern APPENDUID = Pattern.compile("(?i)\\[APPENDUID (\\d+) (\\d+)\\]");
  private static final Pattern UID_ITEM = Pattern.compile("[( ]UID (\\d+)");
  private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d+)\\}$");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private int tag;

  /** One response line, with the literals it carried, in order. */
  record Line(String text, List<byte[]> literals) {}

  RawImapClient(String host, int port) {
    try {
      socket = new Socket(host, port);
      socket.setSoTimeout(60_000);
      socket.setTcpNoDelay(true); // APPEND writes in pieces; Nagle would stall each one
      in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      readLine(); // greeting
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawImapClient login(String host, int port, String user, String password) {
    RawImapClient c = new RawImapClient(host, port);
    c.ok("LOGIN " + quote(user) + " " + quote(password));
    return c;
  }

  /** Runs a command that must succeed; returns all lines, the tagged one last. */
  List<Line> ok(String command) {
    List<Line> lines = run(command);
    String last = lines.get(lines.size() - 1).text();
    if (!last.split(" ", 3)[1].equalsIgnoreCase("OK")) {
      throw new IllegalStateException(command + " -> " + last);
    }
    return lines;
  }

  List<Line> run(String command) {
    String t = "T" + (++tag);
    write((t + " " + command + "\r\n").getBytes(ISO_8859_1));
    return readUntil(t);
  }

  void create(String rawName) {
    ok("CREATE " + quote(rawName));
  }

  void subscribe(String rawName) {
    ok("SUBSCRIBE " + quote(rawName));
  }

  /**
   * APPENDs exact bytes; returns the UID from APPENDUID (RFC 4315).
   *
   * @param flags e.g. "\\Seen $Forwarded", or ""
   * @param internalDate e.g. "01-Feb-2021 10:11:12 +0100", or null
   */
  long append(String rawFolder, String flags, String internalDate, byte[] message) {
    String t = "T" + (++tag);
    String head = t + " APPEND " + quote(rawFolder) + " (" + flags + ")"
        + (internalDate == null ? "" : " \"" + internalDate + "\"") + " {" + message.length + "}\r\n";
    write(head.getBytes(ISO_8859_1));
    Line cont = readLine();
    if (!cont.text().startsWith("+")) {
      throw new IllegalStateException("APPEND not accepted: " + cont.text());
    }
    write(message);
    write("\r\n".getBytes(ISO_8859_1));
    List<Line> lines = readUntil(t);
    String last = lines.get(lines.size() - 1).text();
    Matcher m = APPENDUID.matcher(last);
    if (!m.find()) {
      throw new IllegalStateException("APPEND without APPENDUID: " + last);
    }
    return Long.parseLong(m.group(2));
  }

  /** The exact octets of BODY[] as this server sends them. */
  byte[] fetchBody(String rawFolder, long uid) {
    ok("EXAMINE " + quote(rawFolder));
    for (Line line : ok("UID FETCH " + uid + " (UID BODY.PEEK[])")) {
      if (line.text().contains("FETCH") && !line.literals().isEmpty()) {
        return line.literals().get(0);
      }
    }
    throw new IllegalStateException("no body for UID " + uid);
  }

  /** Every message's exact BODY[] in one command, by UID: the oracle, and the raw baseline for timing. */
  Map<Long, byte[]> fetchAllBodies(String rawFolder) {
    ok("EXAMINE " + quote(rawFolder));
    Map<Long, byte[]> bodies = new TreeMap<>();
    for (Line line : ok("UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[])")) {
      Matcher m = UID_ITEM.matcher(line.text());
      if (line.text().contains("FETCH") && !line.literals().isEmpty() && m.find()) {
        bodies.put(Long.parseLong(m.group(1)), line.literals().get(0));
      }
    }
    return bodies;
  }

  void expunge(String rawFolder, long uid) {
    ok("SELECT " + quote(rawFolder));
    ok("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)");
    ok("EXPUNGE");
  }

  @Override
  public void close() {
    try {
      run("LOGOUT");
    } catch (RuntimeException ignored) {
      // The server may have gone already.
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing to do.
    }
  }

  static String quote(String raw) {
    return "\"" + raw.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private List<Line> readUntil(String t) {
    List<Line> lines = new ArrayList<>();
    while (true) {
      Line line = readLine();
      lines.add(line);
      if (line.text().startsWith(t + " ")) {
        return lines;
      }
    }
  }

  private Line readLine() {
    try {
      StringBuilder text = new StringBuilder();
      List<byte[]> literals = new ArrayList<>();
      while (true) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        int prev = -1;
        while ((b = in.read()) != -1) {
          if (b == '\n' && prev == '\r') {
            break;
          }
          line.write(b);
          prev = b;
        }
        if (b == -1) {
          throw new IOException("connection closed");
        }
        byte[] bytes = line.toByteArray();
        String part = new String(bytes, 0, bytes.length - 1, ISO_8859_1); // without the CR
        text.append(part);
        Matcher m = LITERAL_AT_END.matcher(part);
        if (!m.find()) {
          return new Line(text.toString(), literals);
        }
        literals.add(in.readNBytes(Integer.parseInt(m.group(1))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
