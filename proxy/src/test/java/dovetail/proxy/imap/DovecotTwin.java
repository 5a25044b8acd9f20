package dovetail.proxy.imap;

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
 * One INBOX written by {@code store}, served by real Dovecot and by Dovetail from two copies, with one logged-in
 * session on each that has the INBOX selected. A transcript runs on both and the untagged replies are compared.
 */
final class DovecotTwin implements AutoCloseable {
  static final String USER = "alice";

  /** A message to put in the store: its UID, INTERNALDATE, flags and bytes. */
  record Message(long uid, Instant internalDate, Flags flags, String content) {}

  private final DovecotServer dovecot;
  private final TestDovetail dovetail;
  final RawImap onDovecot;
  final RawImap onDovetail;

  private DovecotTwin(DovecotServer dovecot, TestDovetail dovetail, RawImap onDovecot, RawImap onDovetail) {
    this.dovecot = dovecot;
    this.dovetail = dovetail;
    this.onDovecot = onDovecot;
    this.onDovetail = onDovetail;
  }

  /** Call from @BeforeAll: skips the test class when Dovecot is not installed. */
  static DovecotTwin start(Path tmp, List<Message> messages) throws Exception {
    DovecotServer.assumeInstalled();
    Path work = tmp.resolve("dovecot");
    Path maildir = DovecotServer.maildir(work, USER);
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    Mailbox inbox = store.create("INBOX", 4242, 1);
    try (MailboxTransaction tx = inbox.begin()) {
      for (Message m : messages) {
        tx.add(MessageMeta.withUid(m.uid(), m.internalDate(), m.flags()),
            new ByteArrayInputStream(m.content().getBytes(StandardCharsets.UTF_8)));
      }
      tx.raiseNextUid(messages.get(messages.size() - 1).uid() + 1);
      tx.commit();
    }
    TestDovetail dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user(USER, "{PLAIN}secret").start();
    DovecotServer dovecot = null;
    try {
      copyTree(maildir, dovetail.mailRoot().resolve(USER).resolve("Maildir"));
      dovecot = DovecotServer.builder(work).user(USER, "secret").autoCreateSpecialUse(false).start();
      dovecot.chownStore(USER);
      RawImap a = login(dovecot.imapPort(), dovecot.password(USER));
      RawImap b = login(dovetail.imapPort(), "secret");
      return new DovecotTwin(dovecot, dovetail, a, b);
    } catch (Exception e) {
      dovetail.close();
      if (dovecot != null) {
        dovecot.close();
      }
      throw e;
    }
  }

  private static RawImap login(int port, String password) throws IOException {
    RawImap imap = RawImap.connect(port);
    assertTrue(RawImap.last(imap.command("LOGIN " + USER + " " + password)).contains(" OK "));
    assertTrue(RawImap.last(imap.command("SELECT INBOX")).contains(" OK "));
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
    return new Replies(command, essence(onDovecot.command(command)), essence(onDovetail.command(command)));
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
    onDovecot.close();
    onDovetail.close();
    dovetail.close();
    dovecot.close();
  }
}
