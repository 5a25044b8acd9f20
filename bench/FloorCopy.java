import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor of the migration benchmark: the least a Java program must do to land the corpus in Maildir
 * files, in a cold JVM with the compiler setting of backup's own JVM (C1 only, the proxy's BatchJvm). Per
 * folder, one {@code UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[])}; each
 * literal streams through one buffer into a new file in tmp/, which gets fdatasync, an mtime and a rename
 * into cur/ (the per-message steps of Dovecot's own save), each named relative to the open directory as the
 * store does. Nothing else: no uidlist, no flags or keywords, no
 * metadata pass, no sizes, no resume, no parsing beyond the literal lengths. Folders are split over as many
 * connections as {@code backup} uses by default (2).
 *
 * <p>{@code java FloorCopy PORT STORE_DIR USER CONNECTIONS FOLDER...} (logs in as USER*master).
 */
public final class FloorCopy {
  private static final AtomicLong NAMES = new AtomicLong();
  private static final FileTime DATE = FileTime.fromMillis(1_600_000_000_000L);
  private static final Set<StandardOpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path root = Path.of(args[1]);
    String user = args[2];
    int connections = Integer.parseInt(args[3]);
    List<String> folders = List.of(args).subList(4, args.length);
    List<Thread> threads = new ArrayList<>();
    AtomicLong copied = new AtomicLong();
    List<Throwable> failures = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      List<String> share = new ArrayList<>();
      for (int i = c; i < folders.size(); i += connections) {
        share.add(folders.get(i));
      }
      Thread t = new Thread(() -> {
        try {
          copied.addAndGet(copy(port, root, user, share));
        } catch (Exception e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("floor copy failed", failures.get(0));
    }
    System.out.println(copied.get());
  }

  private static long copy(int port, Path root, String user, List<String> folders) throws IOException {
    long messages = 0;
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      OutputStream out = s.getOutputStream();
      byte[] buffer = new byte[1 << 16];
      readLine(in);
      command(in, out, "a LOGIN " + user + "*master master-secret", null, buffer);
      int tag = 0;
      for (String folder : folders) {
        Path dir = root.resolve(folder.equals("INBOX") ? "." : "." + folder);
        Files.createDirectories(dir.resolve("tmp"));
        Files.createDirectories(dir.resolve("cur"));
        command(in, out, "s" + tag + " EXAMINE \"" + folder + "\"", null, buffer);
        try (SaveDirs dirs = SaveDirs.open(dir)) {
          messages += command(in, out, "f" + tag + " UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[])", dirs, buffer);
        }
        tag++;
      }
    }
    return messages;
  }

  /** Sends one command and reads to its tagged answer; every literal becomes a file when {@code dirs} is set. */
  private static long command(InputStream in, OutputStream out, String command, SaveDirs dirs, byte[] buffer)
      throws IOException {
    String tag = command.substring(0, command.indexOf(' '));
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    long files = 0;
    while (true) {
      String line = readLine(in);
      while (line.endsWith("}") && line.lastIndexOf('{') >= 0) {
        long length = Long.parseLong(line.substring(line.lastIndexOf('{') + 1, line.length() - 1));
        if (dirs == null) {
          in.skipNBytes(length);
        } else {
          save(in, length, dirs, buffer);
          files++;
        }
        line = readLine(in);
      }
      if (line.startsWith(tag + " ")) {
        if (!line.startsWith(tag + " OK")) {
          throw new IOException(command + ": " + line);
        }
        return files;
      }
    }
  }

  private static void save(InputStream in, long length, SaveDirs dirs, byte[] buffer) throws IOException {
    String name = "floor." + NAMES.incrementAndGet();
    Path tmp = Path.of(name);
    try (FileChannel file = (FileChannel) dirs.tmp.newByteChannel(tmp, CREATE)) {
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new EOFException("connection closed inside a literal");
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        while (bytes.hasRemaining()) {
          file.write(bytes);
        }
        left -= n;
      }
      file.force(false);
    }
    dirs.tmp.getFileAttributeView(tmp, BasicFileAttributeView.class).setTimes(DATE, DATE, null);
    dirs.tmp.move(tmp, dirs.cur, Path.of(name + ",S=" + length + ":2,"));
  }

  /** A folder's tmp/ and cur/ held open: files are named relative to them (openat, renameat), as the store does. */
  private record SaveDirs(SecureDirectoryStream<Path> tmp, SecureDirectoryStream<Path> cur) implements AutoCloseable {
    static SaveDirs open(Path folder) throws IOException {
      return new SaveDirs((SecureDirectoryStream<Path>) Files.newDirectoryStream(folder.resolve("tmp")),
          (SecureDirectoryStream<Path>) Files.newDirectoryStream(folder.resolve("cur")));
    }

    @Override
    public void close() throws IOException {
      tmp.close();
      cur.close();
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.append((char) b);
    }
    if (b < 0) {
      throw new EOFException("connection closed");
    }
    int end = line.length();
    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
  }
}
