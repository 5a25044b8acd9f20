package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.Flags;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that ran for a while keeps what its sessions needed only while memory allows (walk-through 14, L1): every
 * folder ever selected kept all its messages' metadata for the life of the process, so with a 64 MB heap the tenth user
 * with a 20,000-message INBOX got no answer (OutOfMemoryError in the server's threads) although every earlier session
 * had logged out. Here twelve such users, one after the other, all get their SELECT, and the first one again after them.
 */
class ManyUsersHeapIT {
  private static final int USERS = 12;
  private static final int MESSAGES = 20_000;
  private static final byte[] MESSAGE = "Subject: m\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void usersWhoLoggedOutDoNotFillTheHeap() throws Exception {
    StringBuilder passwd = new StringBuilder();
    for (int u = 1; u <= USERS; u++) {
      passwd.append(user(u)).append(":{PLAIN}secret\n");
    }
    Files.writeString(dir.resolve("passwd"), passwd);
    Path conf = dir.resolve("dovetail.conf");
    Files.writeString(conf, "imap_listen = 127.0.0.1:0\npop3_listen =\nlmtp_listen =\npassdb = passwd-file:"
        + dir.resolve("passwd") + "\nmail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\nadmin_socket = "
        + dir.resolve("a.sock") + "\n");
    Path first = fill(user(1));
    for (int u = 2; u <= USERS; u++) {
      linkCopy(first, dir.resolve("mail").resolve(user(u)).resolve("Maildir"));
    }

    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx64m"))) {
      int port = server.awaitImapPort(60);
      for (int u = 1; u <= USERS; u++) {
        assertTrue(selects(port, user(u)), user(u) + "'s SELECT got no answer after " + (u - 1) + " users:\n"
            + server.output());
      }
      assertTrue(selects(port, user(1)), "the first user again");
      assertTrue(server.isAlive());
    }
  }

  private static String user(int n) {
    return String.format("u%02d", n);
  }

  /** LOGIN, SELECT INBOX, LOGOUT; whether SELECT was answered OK (within a minute). */
  private static boolean selects(int port, String user) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      RawLines.line(in);
      RawLines.send(out, "a LOGIN " + user + " secret");
      if (!RawLines.line(in).startsWith("a OK")) {
        return false;
      }
      RawLines.send(out, "b SELECT INBOX");
      String line;
      do {
        line = RawLines.line(in);
      } while (!line.isEmpty() && !line.startsWith("b "));
      RawLines.send(out, "c LOGOUT");
      return line.startsWith("b OK");
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  /** A Maildir with {@link #MESSAGES} small messages in INBOX. */
  private Path fill(String user) throws IOException {
    MailStore store = MaildirStore.forUser(MailLocation.parse("maildir:" + dir.resolve("mail") + "/%n/Maildir"), user,
        StoreOptions.DEFAULT);
    Instant date = Instant.parse("2024-01-01T00:00:00Z");
    for (int done = 0; done < MESSAGES; done += 1000) {
      try (MailboxTransaction tx = store.open("INBOX").begin()) {
        for (int i = 0; i < 1000; i++) {
          tx.add(MessageMeta.next(date, Flags.NONE), new ByteArrayInputStream(MESSAGE));
        }
        tx.commit();
      }
    }
    return store.root();
  }

  /** The same Maildir for another user: message files hard-linked (quick), the rest copied. */
  private static void linkCopy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else if (f.getParent().getFileName().toString().equals("cur")) {
          Files.createLink(target, f);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
