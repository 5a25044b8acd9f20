package dovetail.proxy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.dovecot.ImapProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** `dovetail demo` as a user meets it: log in with a real client, see the legacy folders, open one. */
class DemoIT {
  @Test
  void aClientSeesTheSampleFoldersAndOpeningOneMigratesItFromGreenMail() throws Exception {
    DemoCorpus corpus = new DemoCorpus(List.of("alice", "bob"), 0.05);
    Path dir;
    try (Demo demo = Demo.start(corpus, List.of("imap_listen=127.0.0.1:0", "pop3_listen=127.0.0.1:0",
        "lmtp_listen=127.0.0.1:0"))) {
      dir = demo.config().getParent();
      assertTrue(demo.instructions().contains("port " + demo.imapPort()), demo.instructions());
      try (ImapProbe client = ImapProbe.login(demo.imapPort(), "alice", corpus.password())) {
        Set<String> names = new TreeSet<>();
        client.list().forEach(e -> names.add(e.name().replace(e.separator(), '/')));
        Set<String> expected = new TreeSet<>(List.of("Lists", "Projekte")); // missing parents, \Noselect
        corpus.folders("alice").forEach(f -> expected.add(f.name()));
        assertEquals(expected, names);
        ImapProbe.FolderState inbox = client.examine("INBOX");
        assertEquals(corpus.folders("alice").get(0).messages().size(), inbox.messages().size());
        ImapProbe.FolderState japanese = client.examine("日本語");
        assertEquals(3, japanese.messages().size());
      }
    }
    assertFalse(Files.exists(dir), "the demo removes its temporary store");
  }
}
