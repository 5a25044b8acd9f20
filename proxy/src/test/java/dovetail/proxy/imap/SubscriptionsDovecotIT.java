package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.TestDovetail;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SUBSCRIBE and UNSUBSCRIBE through Dovetail write the Maildir {@code subscriptions} file as Dovecot writes it (the
 * plain folder name, levels TAB-separated, modified UTF-7), judged by stock Dovecot's LSUB over the same store.
 * James 3.8.1 hands the mapper a serialized MailboxPath ({@code #private:alice:Archive}); a store that already holds
 * such lines is read as the plain names and rewritten on the next change.
 */
class SubscriptionsDovecotIT {
  @TempDir static Path tmp;
  private static DovecotServer dovecot;
  private static TestDovetail dovetail;

  @BeforeAll
  static void start() throws Exception {
    DovecotServer.assumeInstalled();
    Path work = tmp.resolve("dovecot");
    dovecot = DovecotServer.builder(work).user("alice", "secret").user("bob", "secret").noSpecialUse().start();
    for (String user : List.of("alice", "bob")) {
      try (ImapProbe probe = ImapProbe.login(dovecot, user)) {
        probe.examine("INBOX"); // Dovecot creates the INBOX
        probe.create("Archive");
        probe.create("Projekte/Übersicht");
        probe.create("Reçus");
        probe.create("日本語");
      }
    }
    dovetail = TestDovetail.builder(tmp.resolve("dovetail")).user("alice", "{PLAIN}secret")
        .user("bob", "{PLAIN}secret").mailLocation("maildir:" + work.resolve("home") + "/%n/Maildir").start();
  }

  @AfterAll
  static void stop() {
    if (dovetail != null) {
      dovetail.close();
    }
    if (dovecot != null) {
      dovecot.close();
    }
  }

  private static Set<String> lsubOnDovecot(String user) {
    try (ImapProbe probe = ImapProbe.login(dovecot, user)) {
      return new TreeSet<>(probe.lsub());
    }
  }

  private static Set<String> lsubOnDovetail(String user) {
    try (ImapProbe probe = ImapProbe.login(dovetail.imapPort(), user, "secret")) {
      return new TreeSet<>(probe.lsub());
    }
  }

  private static String subscriptionsFile(String user) throws Exception {
    return Files.readString(dovecot.maildir(user).resolve("subscriptions"), StandardCharsets.UTF_8);
  }

  @Test
  void dovecotListsExactlyWhatWasSubscribedThroughDovetail() throws Exception {
    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "alice", "secret")) {
      client.create("Neu.Ordner");
      client.subscribe("Archive");
      client.subscribe("Projekte.Übersicht");
      client.subscribe("Reçus");
      client.subscribe("Neu.Ordner");
      client.subscribe("日本語");
      client.unsubscribe("Reçus");
      client.unsubscribe("日本語");
      client.subscribe("INBOX");
    }

    String file = subscriptionsFile("alice");
    assertFalse(file.contains("#private"), file);
    assertEquals(Set.of("INBOX", "Archive", "Projekte/Übersicht", "Neu/Ordner"), lsubOnDovecot("alice"), file);
    assertEquals(Set.of("INBOX", "Archive", "Projekte.Übersicht", "Neu.Ordner"), lsubOnDovetail("alice"));

    try (RawImap imap = RawImap.connect(dovetail.imapPort())) {
      imap.command("LOGIN alice secret");
      List<String> listed = imap.command("LIST \"\" \"*\" RETURN (SUBSCRIBED)");
      Set<String> subscribed = new TreeSet<>();
      for (String line : listed) {
        if (line.startsWith("* LIST") && line.contains("\\Subscribed")) {
          subscribed.add(line.substring(line.lastIndexOf(' ') + 1).replace("\"", ""));
        }
      }
      assertEquals(Set.of("INBOX", "Archive", "Projekte.&ANw-bersicht", "Neu.Ordner"), subscribed, listed.toString());

      List<String> selected = imap.command("LIST (SUBSCRIBED) \"\" \"*\"");
      Set<String> names = new TreeSet<>();
      for (String line : selected) {
        if (line.startsWith("* LIST")) {
          assertTrue(line.contains("\\Subscribed"), line);
          names.add(line.substring(line.lastIndexOf(' ') + 1).replace("\"", ""));
        }
      }
      assertEquals(Set.of("INBOX", "Archive", "Projekte.&ANw-bersicht", "Neu.Ordner"), names, selected.toString());
    }

    // And the other way round: what Dovecot subscribes and unsubscribes, Dovetail sees.
    try (ImapProbe probe = ImapProbe.login(dovecot, "alice")) {
      probe.subscribe("日本語");
      probe.unsubscribe("Archive");
    }
    assertEquals(Set.of("INBOX", "日本語", "Projekte.Übersicht", "Neu.Ordner"), lsubOnDovetail("alice"));
    assertTrue(dovecot.logProblems().isEmpty(), dovecot.logProblems().toString());
  }

  @Test
  void linesInJamesFormAlreadyOnDiskAreReadAsTheirFolderAndRewrittenOnTheNextChange() throws Exception {
    // What Dovetail wrote before this was fixed: James's serialized path as the folder name (mUTF-7 per level, and
    // the session delimiter '.' of "Neu.Ordner" turned into a level break).
    Files.writeString(dovecot.maildir("bob").resolve("subscriptions"),
        "V\t2\n\nINBOX\nArchive\n#private:bob:Projekte\t&ANw-bersicht\n#private:bob:Re&AOc-us\n"
            + "#private:bob:Archive\n", StandardCharsets.UTF_8);
    dovecot.chownStore("bob");

    assertEquals(Set.of("INBOX", "Archive", "Projekte.Übersicht", "Reçus"), lsubOnDovetail("bob"));

    try (ImapProbe client = ImapProbe.login(dovetail.imapPort(), "bob", "secret")) {
      client.subscribe("日本語");
      client.unsubscribe("Reçus");
    }
    String file = subscriptionsFile("bob");
    assertFalse(file.contains("#private"), file);
    assertEquals(Set.of("INBOX", "Archive", "Projekte/Übersicht", "日本語"), lsubOnDovecot("bob"), file);
    assertEquals(Set.of("INBOX", "Archive", "Projekte.Übersicht", "日本語"), lsubOnDovetail("bob"));
    assertTrue(dovecot.logProblems().isEmpty(), dovecot.logProblems().toString());
  }
}
