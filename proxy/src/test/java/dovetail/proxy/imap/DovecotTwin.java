package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One store written by {@code store}, served by real Dovecot and by Dovetail from two copies. Tests either talk to
 * each {@link Server} themselves, or run commands through {@link #run}, on one logged-in session per server that
 * has the INBOX selected (opened on first use).
 */
final class DovecotTwin implements AutoCloseable {
  static final String USER = "alice";

  /** A message to put in the store: its UID, INTERNALDATE, flags and bytes. */
  record Message(long uid, Instant internalDate, Flags flags, String content) {}

  /** What goes into the store before either server starts. */
  interface Fill {
    void into(MailStore store) throws IOException;
  }

  /** One of the two servers, and the password USER logs in with there. */
  record Server(String name, int imapPort, String password) {
    RawImap login() throws IOException {
      RawImap imap = RawImap.connect(imapPort);
      assertTrue(RawImap.last(imap.command("LOGIN " + USER + " " + password)).contains(" OK "), name);
      return imap;
    }
  }

  private final DovecotServer dovecot;
  private final TestDovetail dovetail;
  private RawImap onDovecot;
  private RawImap onDovetail;

  private DovecotTwin(DovecotServer dovecot, TestDovetail dovetail) {
    this.dovecot = dovecot;
    this.dovetail = dovetail;
  }

  /** An INBOX (UIDVALIDITY 4242) with these messages. Call from @BeforeAll: skips when Dovecot is not installed. */
  static DovecotTwin start(Path tmp, List<Message> messages) throws Exception {
    return start(tmp, store -> {
      Mailbox inbox = store.create("INBOX", 4242, 1);
      try (MailboxTransaction tx = inbox.begin()) {
        for (Message m : messages) {
          tx.add(MessageMeta.withUid(m.uid(), m.internalDate(), m.flags()),
              new ByteArrayInputStream(m.content().getBytes(StandardCharsets.UTF_8)));
        }
        tx.raiseNextUid(messages.get(messages.size() - 1).uid() + 1);
        tx.commit();
      }
    });
  }

  /** An INBOX (UIDVALIDITY 4242) of these exact bytes, UIDs from 1, all dated {@code date}. From @BeforeAll. */
  static DovecotTwin start(Path tmp, Instant date, List<byte[]> messages) throws Exception {
    return start(tmp, store -> {
      Mailbox inbox = store.create("INBOX", 4242, 1);
      try (MailboxTransaction tx = inbox.begin()) {
        long uid = 1;
        for (byte[] m : messages) {
          tx.add(MessageMeta.withUid(uid++, date, Flags.NONE), new ByteArrayInputStream(m));
        }
        tx.raiseNextUid(uid);
        tx.commit();
      }
    });
  }

  /** Whatever {@code fill} writes, on both servers. Skips the test when Dovecot is not installed. */
  static DovecotTwin start(Path tmp, Fill fill) throws Exception {
    DovecotServer.assumeInstalled();
    Path work = tmp.resolve("dovecot");
    Path maildir = DovecotServer.maildir(work, USER);
    fill.into(MaildirStore.open(maildir, StoreOptions.DEFAULT));
    TestDovetail dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user(USER, "{PLAIN}secret").start();
    try {
      copyTree(maildir, dovetail.mailRoot().resolve(USER).resolve("Maildir"));
      DovecotServer dovecot = DovecotServer.builder(work).user(USER, "secret").autoCreateSpecialUse(false).start();
      try {
        dovecot.chownStore(USER);
        return new DovecotTwin(dovecot, dovetail);
      } catch (Exception e) {
        dovecot.close();
        throw e;
      }
    } catch (Exception e) {
      dovetail.close();
      throw e;
    }
  }

  Server dovecot() {
    return new Server("Dovecot", dovecot.imapPort(), dovecot.password(USER));
  }

  Server dovetail() {
    return new Server("Dovetail", dovetail.imapPort(), "secret");
  }

  /** The Dovetail session with the INBOX selected. */
  RawImap onDovetail() throws IOException {
    openSessions();
    return onDovetail;
  }

  private void openSessions() throws IOException {
    if (onDovecot == null) {
      onDovecot = selectInbox(dovecot());
      onDovetail = selectInbox(dovetail());
    }
  }

  private static RawImap selectInbox(Server server) throws IOException {
    RawImap imap = server.login();
    assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "), server.name());
    return imap;
  }

  /** A copy that keeps mtimes (INTERNALDATE) and file names (flags, sizes). */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** What each server answered to one command: its untagged lines and the status word of its tagged line. */
  record Replies(String command, List<String> dovecot, List<String> dovetail) {
    boolean agree() {
      return dovecot.equals(dovetail);
    }

    @Override
    public String toString() {
      return command + "\n  Dovecot:  " + dovecot + "\n  Dovetail: " + dovetail;
    }
  }

  Replies run(String command) throws IOException {
    openSessions();
    return new Replies(command, essence(onDovecot.command(command)), essence(onDovetail.command(command)));
  }

  /** Runs each command on both sessions; fails listing every command whose replies differ. */
  void assertAgree(List<String> commands) throws IOException {
    List<String> differences = new ArrayList<>();
    for (String command : commands) {
      Replies r = run(command);
      if (!r.agree()) {
        differences.add(r.toString());
      }
    }
    assertEquals(List.of(), differences, String.join("\n", differences));
  }

  /** Untagged lines that start with one of the given words (e.g. "* SEARCH"), and the tagged status word. */
  private static List<String> essence(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(0, lines.size() - 1)) {
      if (line.startsWith("* SEARCH") || line.startsWith("* SORT")) {
        out.add(line);
      }
    }
    String[] tagged = RawImap.last(lines).split(" ");
    out.add(tagged.length > 1 ? tagged[1] : "?");
    return out;
  }

  List<String> dovecotLogProblems() {
    return dovecot.logProblems();
  }

  @Override
  public void close() throws IOException {
    try {
      if (onDovecot != null) {
        onDovecot.close();
        onDovetail.close();
      }
    } finally {
      dovetail.close();
      dovecot.close();
    }
  }
}
