package dovetail.migrator.service;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of a real legacy IMAP server that answers a client command itself with a scripted
 * tagged reply (say {@code NO Internal error}, without a response code) the next {@code times} times it matches;
 * everything else goes through byte for byte. It reads the client's commands line by line, so it serves
 * clients that send no literals (the migrator's commands). It can also stall a connection at a command (forward it,
 * then pass nothing more of what the server sends, keeping the connection open: a server that stops answering) or
 * drop the connection there (a server that hangs up). It counts the commands that match a pattern, answered or passed
 * on, and can hold its refusals until a number of them were asked for (logins that overlap).
 */
final class RefusingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile Pattern command = Pattern.compile("(?!)");
  private volatile String reply = "";
  private int times;
  private int refused;
  /** No refusal is answered before this many were taken. */
  private int holdUntil;
  private Pattern counting = Pattern.compile("(?!)");
  private int counted;
  private volatile Pattern stallCommand = Pattern.compile("(?!)");
  private int stallTimes;
  private boolean stallDrops;

  RefusingProxy(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::accept, "refusing-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The next {@code times} commands (without their tag) that match {@code commandRegex} get {@code tag reply}. */
  synchronized void refuse(String commandRegex, int times, String reply) {
    this.command = Pattern.compile(commandRegex);
    this.reply = reply;
    this.times = times;
  }

  /**
   * As {@link #refuse}, but none of these refusals is answered before all {@code times} commands arrived (each
   * waits at most 30 s), so that the clients' commands were all sent before any of them hears its answer.
   */
  synchronized void refuseTogether(String commandRegex, int times, String reply) {
    refuse(commandRegex, times, reply);
    this.holdUntil = refused + times;
  }

  /** From now on, counts the commands (without their tag) that match {@code commandRegex}. */
  synchronized void count(String commandRegex) {
    this.counting = Pattern.compile(commandRegex);
    this.counted = 0;
  }

  /** How many commands matched the pattern of {@link #count} since it was set, answered here or passed on. */
  synchronized int counted() {
    return counted;
  }

  /**
   * The next {@code times} commands that match {@code commandRegex} reach the server, but then its connection
   * stalls (nothing more reaches the client, the connection stays open) or, with {@code drop}, is closed.
   */
  synchronized void stall(String commandRegex, int times, boolean drop) {
    this.stallCommand = Pattern.compile(commandRegex);
    this.stallTimes = times;
    this.stallDrops = drop;
  }

  /** Whether this command stalls (1) or drops (2) its connection; 0 for neither. */
  private synchronized int takeStall(String commandLine) {
    if (stallTimes > 0 && stallCommand.matcher(commandLine).matches()) {
      stallTimes--;
      return stallDrops ? 2 : 1;
    }
    return 0;
  }

  /** How many commands were answered by the proxy so far. */
  synchronized int refused() {
    return refused;
  }

  private synchronized boolean takeRefusal(String commandLine) {
    if (counting.matcher(commandLine).matches()) {
      counted++;
    }
    if (times > 0 && command.matcher(commandLine).matches()) {
      times--;
      refused++;
      notifyAll();
      return true;
    }
    return false;
  }

  /** Waits until the refusals held back by {@link #refuseTogether} were all asked for. */
  private synchronized void awaitHeldRefusals() {
    long end = System.nanoTime() + 30_000_000_000L;
    try {
      for (long left = end - System.nanoTime(); refused < holdUntil && left > 0; left = end - System.nanoTime()) {
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(server);
        OutputStream toClient = client.getOutputStream();
        AtomicBoolean stalled = new AtomicBoolean();
        start(() -> serverToClient(server.getInputStream(), toClient, stalled), client, server);
        start(() -> clientToServer(client.getInputStream(), server.getOutputStream(), toClient, stalled, client),
            client, server);
      } catch (IOException e) {
        return;
      }
    }
  }

  private interface Pump {
    void run() throws IOException;
  }

  /** Runs one direction; when it ends, the connection ends on both sides. */
  private void start(Pump pump, Socket client, Socket server) {
    Thread t = new Thread(() -> {
      try {
        pump.run();
      } catch (IOException e) {
        // the other side went away
      } finally {
        closeQuietly(client);
        closeQuietly(server);
      }
    }, "refusing-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void serverToClient(InputStream in, OutputStream toClient, AtomicBoolean stalled)
      throws IOException {
    byte[] buf = new byte[65536];
    int n;
    while ((n = in.read(buf)) > 0) {
      synchronized (toClient) {
        if (stalled.get()) {
          continue; // swallowed: the client hears nothing more
        }
        toClient.write(buf, 0, n);
        toClient.flush();
      }
    }
  }

  private void clientToServer(InputStream in, OutputStream toServer, OutputStream toClient, AtomicBoolean stalled,
      Socket client) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      line.write(b);
      if (b != '\n') {
        continue;
      }
      byte[] bytes = line.toByteArray();
      line.reset();
      String text = new String(bytes, ISO_8859_1).strip();
      int space = text.indexOf(' ');
      int stall = space > 0 ? takeStall(text.substring(space + 1)) : 0;
      if (stall == 2) {
        closeQuietly(client);
        return;
      }
      if (stall == 1) {
        synchronized (toClient) {
          stalled.set(true); // before the server's answer can pass
        }
      }
      if (space > 0 && takeRefusal(text.substring(space + 1))) {
        awaitHeldRefusals();
        synchronized (toClient) {
          toClient.write((text.substring(0, space) + " " + reply + "\r\n").getBytes(ISO_8859_1));
          toClient.flush();
        }
      } else {
        toServer.write(bytes);
        toServer.flush();
      }
    }
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
