package dovetail.proxy.handover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.cli.CliRun;
import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MailEvent;
import jakarta.mail.event.MessageChangedEvent;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.ResyncData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cut-over to stock Dovecot, with real parts: a CONDSTORE client changes flags through Dovetail and caches
 * HIGHESTMODSEQ; Dovetail stops; `dovetail handover`'s script runs with Dovecot's configuration; Dovecot starts over
 * the same store. With the script, a flag change in Dovecot is seen by CHANGEDSINCE and QRESYNC from the cached
 * value; without it (the negative control), Dovecot starts below the cached value and the change is missed.
 */
class HandoverDovecotIT {
  private static final String USER = "alice";
  private static final String PASSWORD = "secret";
  /** Quotes, '$', spaces and non-ASCII: the script must hand doveadm this name intact. */
  private static final String NASTY = "Tom's \"$HOME\" `x` Über";
  private static final List<String> FOLDERS = List.of("INBOX", NASTY);

  @TempDir Path tmp;

  @Test
  void afterTheScriptDovecotStartsAboveWhatClientsCachedAndTheyHearOfItsChanges() throws Exception {
    Path work = tmp.resolve("dovecot");
    Map<String, Long> cached = serveThroughDovetail(work);

    Path script = tmp.resolve("handover.sh");
    Files.writeString(script, handover("-c", tmp.resolve("dovetail/dovetail.conf").toString(), "--dovecot-config",
        work.resolve("dovecot.conf").toString(), "--separator", "/"));
    String text = Files.readString(script);
    assertTrue(text.contains(" 'INBOX' ") && text.contains(ShellQuote.quote(NASTY)), text);
    String[] ran = sh(script);
    assertEquals("0", ran[0], "script failed: " + ran[2] + "\n" + text);
    assertEquals("handover: 2 folder(s) raised\n", ran[1]);
    assertEquals("", ran[2]);
    // A rerun (as after a FAILED line elsewhere) finds both raised and changes nothing.
    String[] again = sh(script);
    assertEquals("0", again[0], "rerun failed: " + again[2]);
    assertEquals("handover: 0 folder(s) raised, 2 raised by an earlier run\n", again[1]);

    try (DovecotServer dovecot = startDovecot(work)) {
      for (String folder : FOLDERS) {
        long h = cached.get(folder);
        long after;
        try (IMAPStore store = connect(dovecot.imapPort())) {
          IMAPFolder f = (IMAPFolder) store.getFolder(folder);
          f.open(Folder.READ_WRITE, ResyncData.CONDSTORE);
          after = f.getHighestModSeq();
          assertTrue(after > h, folder + ": HIGHESTMODSEQ " + after + " <= " + h);
          for (Message m : f.getMessages()) {
            assertTrue(((IMAPMessage) m).getModSeq() > h, folder + ": MODSEQ " + ((IMAPMessage) m).getModSeq());
          }
          f.close(false);
        }
        changeFlagsInDovecot(dovecot, folder);
        // From the value cached from Dovetail: a one-time resync of every message (all above it), the change in it.
        assertTrue(changedSince(dovecot, folder, h).contains(1L), folder + ": UID FETCH (CHANGEDSINCE " + h + ")");
        assertTrue(qresync(dovecot, folder, h).contains(1L), folder + ": SELECT (QRESYNC (uv " + h + "))");
        // From Dovecot's own value: just the change.
        assertEquals(List.of(1L), changedSince(dovecot, folder, after), folder + ": CHANGEDSINCE " + after);
      }
      assertEquals(List.of(), dovecot.logProblems());
    }

    // Going back would mix what Dovecot wrote since with the legacy mail (walk-through 20, F1: expunged messages back,
    // F2: mod-sequences below Dovecot's): the script marked the store, and Dovetail neither serves nor migrates into it.
    Path maildir = work.resolve("home").resolve(USER).resolve("Maildir");
    assertTrue(Files.readString(maildir.resolve(HandoverMarker.FILE)).startsWith("handed over to stock Dovecot at "));
    Exception serve = assertThrows(Exception.class, () -> TestDovetail.builder(tmp.resolve("again"))
        .user(USER, "{PLAIN}" + PASSWORD).mailLocation("maildir:" + work.resolve("home") + "/%n/Maildir").start());
    assertTrue(serve.getMessage().contains(USER + ": the store was handed over to stock Dovecot at "), serve.toString());
    Path legacyConf = Files.writeString(tmp.resolve("backup.conf"), "imapc_host = 127.0.0.1\nimapc_password = x\n"
        + "mail_location = maildir:" + work.resolve("home") + "/%n/Maildir\n");
    CliRun backup = CliRun.of("backup", "-c", legacyConf.toString(), "-u", USER);
    assertEquals(78, backup.exit(), backup.err()); // EX_CONFIG: a run again would not help
    assertTrue(backup.err().contains("Dovetail does not serve it or migrate into it"), backup.err());
  }

  /**
   * dovetail-state files removed before handover (the runbook removes them after it): a script that raises nothing
   * would say "handover: 0 folder(s) raised" and pass for success (walk-through 5, F7). handover refuses instead.
   */
  @Test
  void aStoreWhoseStateFilesAreGoneIsRefusedNotHandedAnEmptyScript() throws Exception {
    Path work = tmp.resolve("dovecot");
    serveThroughDovetail(work);
    try (java.util.stream.Stream<Path> files = Files.walk(work)) {
      for (Path state : files.filter(f -> f.getFileName().toString().equals("dovetail-state")).toList()) {
        Files.delete(state);
      }
    }
    String[] run = run("-c", tmp.resolve("dovetail/dovetail.conf").toString(), "--separator", "/");
    assertEquals("2", run[0], run[1] + "\n" + run[2]);
    assertEquals("", run[1], "no script");
    assertTrue(run[2].contains("alice: the store holds mail but no folder has a dovetail-state"), run[2]);
  }

  /** While serve runs it goes on handing out mod-sequences above the floors: handover refuses (walk-through 5, F13). */
  @Test
  void aRunningServeIsRefused() throws Exception {
    Path socket = tmp.resolve("admin.sock");
    Path conf = Files.writeString(tmp.resolve("dovetail.conf"), "mail_location = maildir:" + tmp.resolve("home")
        + "/%n/Maildir\nadmin_socket = " + socket + "\n");
    try (java.nio.channels.ServerSocketChannel serve = java.nio.channels.ServerSocketChannel.open(
        java.net.StandardProtocolFamily.UNIX)) {
      serve.bind(java.net.UnixDomainSocketAddress.of(socket));
      String[] run = run("-c", conf.toString());
      assertEquals("2", run[0], run[1] + "\n" + run[2]);
      assertEquals("", run[1], "no script");
      assertTrue(run[2].contains("serve is still running (admin_socket " + socket + " answers)"), run[2]);
    }
  }

  /** Negative control: the same cut-over without the script, so the test above can fail. */
  @Test
  void withoutTheScriptDovecotStartsBelowWhatClientsCachedAndTheyMissItsChanges() throws Exception {
    Path work = tmp.resolve("dovecot");
    Map<String, Long> cached = serveThroughDovetail(work);
    try (DovecotServer dovecot = startDovecot(work)) {
      long h = cached.get("INBOX");
      changeFlagsInDovecot(dovecot, "INBOX");
      assertEquals(List.of(), changedSince(dovecot, "INBOX", h), "Dovecot's change is below the cached " + h);
      assertEquals(List.of(), dovecot.logProblems());
    }
    // The script too late: Dovecot indexed INBOX below its floor, which a rerun must not take for raised.
    Path script = tmp.resolve("handover.sh");
    Files.writeString(script, handover("-c", tmp.resolve("dovetail/dovetail.conf").toString(), "--dovecot-config",
        work.resolve("dovecot.conf").toString(), "--separator", "/"));
    String[] ran = sh(script);
    assertEquals("1", ran[0], ran[1] + ran[2]);
    assertTrue(ran[2].startsWith("FAILED " + USER + " INBOX: Dovecot has indexed it already"), ran[2]);
  }

  /**
   * Dovecot's configuration written (its first start creates it; it never touches a home until a client comes),
   * then Dovetail serves the store: two folders with messages, flags changed under CONDSTORE. Returns the
   * HIGHESTMODSEQ the client cached per folder, after checking every MODSEQ it was shown is at most that.
   */
  private Map<String, Long> serveThroughDovetail(Path work) throws Exception {
    startDovecot(work).close();
    Map<String, Long> cached = new LinkedHashMap<>();
    try (TestDovetail dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user(USER, "{PLAIN}" + PASSWORD)
        .mailLocation("maildir:" + work.resolve("home") + "/%n/Maildir").start();
        IMAPStore store = connect(dovetail.imapPort())) {
      assertTrue(store.hasCapability("QRESYNC"));
      for (String folder : FOLDERS) {
        IMAPFolder f = (IMAPFolder) store.getFolder(folder);
        if (!f.exists()) {
          assertTrue(f.create(Folder.HOLDS_MESSAGES));
        }
        Session session = Session.getInstance(new Properties());
        List<Message> messages = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
          messages.add(new MimeMessage(session, new ByteArrayInputStream(("Subject: " + i + "\r\n\r\nbody " + i + "\r\n")
              .getBytes(StandardCharsets.US_ASCII))));
        }
        f.appendMessages(messages.toArray(new Message[0]));
        f.open(Folder.READ_WRITE, ResyncData.CONDSTORE);
        f.setFlags(new int[] {2, 3}, new Flags(Flags.Flag.SEEN), true);
        f.setFlags(new int[] {3}, new Flags(Flags.Flag.FLAGGED), true);
        f.close(false);
        f.open(Folder.READ_ONLY, ResyncData.CONDSTORE); // the HIGHESTMODSEQ after the changes, as a client caches it
        long h = f.getHighestModSeq();
        for (Message m : f.getMessages()) {
          assertTrue(((IMAPMessage) m).getModSeq() <= h, folder + ": a message above HIGHESTMODSEQ " + h);
        }
        assertTrue(h > 1, folder + ": " + h);
        cached.put(folder, h);
        f.close(false);
      }
    }
    return cached;
  }

  private static DovecotServer startDovecot(Path work) {
    return DovecotServer.builder(work).user(USER, PASSWORD).noSpecialUse().start();
  }

  private static IMAPStore connect(int port) throws Exception {
    Properties p = new Properties();
    p.setProperty("mail.imap.connectiontimeout", "10000");
    p.setProperty("mail.imap.timeout", "30000");
    IMAPStore store = (IMAPStore) Session.getInstance(p).getStore("imap");
    store.connect("127.0.0.1", port, USER, PASSWORD);
    return store;
  }

  /** Another Dovecot client flags UID 1. */
  private static void changeFlagsInDovecot(DovecotServer dovecot, String folder) throws Exception {
    try (IMAPStore store = connect(dovecot.imapPort())) {
      IMAPFolder f = (IMAPFolder) store.getFolder(folder);
      f.open(Folder.READ_WRITE);
      f.setFlags(new Message[] {f.getMessageByUID(1)}, new Flags(Flags.Flag.ANSWERED), true);
      f.close(false);
    }
  }

  /** {@code UID FETCH 1:* (FLAGS) (CHANGEDSINCE modSeq)}: the UIDs it returns. */
  private static List<Long> changedSince(DovecotServer dovecot, String folder, long modSeq) throws Exception {
    try (IMAPStore store = connect(dovecot.imapPort())) {
      IMAPFolder f = (IMAPFolder) store.getFolder(folder);
      f.open(Folder.READ_ONLY);
      List<Long> uids = new ArrayList<>();
      for (Message m : f.getMessagesByUIDChangedSince(1, UIDFolder.LASTUID, modSeq)) {
        uids.add(f.getUID(m));
      }
      f.close(false);
      return uids;
    }
  }

  /** {@code SELECT folder (QRESYNC (uidvalidity modSeq))}: the UIDs whose flags it reports changed. */
  private static List<Long> qresync(DovecotServer dovecot, String folder, long modSeq) throws Exception {
    try (IMAPStore store = connect(dovecot.imapPort())) {
      IMAPFolder f = (IMAPFolder) store.getFolder(folder);
      long uidValidity = f.getUIDValidity();
      List<Long> uids = new ArrayList<>();
      for (MailEvent e : f.open(Folder.READ_WRITE, new ResyncData(uidValidity, modSeq))) {
        if (e instanceof MessageChangedEvent changed) {
          uids.add(f.getUID(changed.getMessage()));
        }
      }
      f.close(false);
      return uids;
    }
  }

  /** The script {@code handover args} prints; it must succeed. */
  private static String handover(String... args) {
    String[] run = run(args);
    assertEquals("0", run[0], run[1] + "\n" + run[2]);
    assertFalse(run[1].isEmpty());
    return run[1];
  }

  /** {exit, stdout, stderr} of {@code handover args}. */
  private static String[] run(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "handover";
    System.arraycopy(args, 0, full, 1, args.length);
    CliRun run = CliRun.of(full);
    return new String[] {Integer.toString(run.exit()), run.out(), run.err()};
  }


  /** {exit, stdout, stderr} of {@code sh script}. */
  private static String[] sh(Path script) throws Exception {
    Process p = new ProcessBuilder("sh", script.toString()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new String[] {Integer.toString(p.exitValue()), out, err};
  }
}
