package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.MailStore;
import dovetail.store.MailboxPeek;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peek reads what a writer would settle (no uidlist, files without UIDs, a dead writer's tmp/ file) and writes nothing. */
class MaildirPeekTest {
  @TempDir Path root;

  /** Every path under the root with its size and mtime (the content of what status reads is not touched either). */
  private Map<String, String> tree() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (var paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        out.put(root.relativize(p).toString(), (Files.isDirectory(p) ? "dir" : Files.readString(p)) + " "
            + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }

  @Test
  void aFolderWithoutUidlistIsReadAsItIsAndLeftAsItIs() throws IOException {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    Files.writeString(root.resolve("new/100.M1P1.mda"), "one\n");
    Files.writeString(root.resolve("cur/200.M2P1.mda,W=9:2,S"), "two\r\n");
    // A save of a writer of this host that died: an open removes it.
    Path old = Files.writeString(root.resolve("tmp/300.M3P2000000000." + HostName.forFilename()), "never committed");
    Map<String, String> before = tree();

    MailboxPeek inbox = store.peek(MailStore.INBOX).orElseThrow();
    assertEquals(List.of(), inbox.messages(), "no UIDs until a writer gives them");
    assertEquals(List.of(5L, 9L), inbox.unnumbered().stream().sorted().toList(), "virtual sizes: counted, or W=");
    assertEquals(Map.of(), inbox.dovetailState());
    assertTrue(store.peek("Nothing").isEmpty());
    assertEquals(before, tree());

    assertEquals(2, store.open(MailStore.INBOX).messages().size(), "an open settles it (the uidlist is written)");
    assertTrue(Files.exists(root.resolve("dovecot-uidlist")));
    assertTrue(Files.notExists(old));
  }

  @Test
  void aPeekOfAnOpenFolderSeesItsMessagesAndWhatAnotherWriterAddedWithoutAUid() throws IOException {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    store.create("F", 7, 1).append(MessageMeta.next(Instant.EPOCH, null),
        new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
    Files.writeString(root.resolve(".F/new/400.M4P1.mda"), "mda\n");
    Map<String, String> before = tree();

    MailboxPeek f = store.peek("F").orElseThrow();
    assertEquals(List.of(1L), f.messages().stream().map(StoredMessage::uid).toList());
    assertEquals(List.of(5L), f.unnumbered());
    assertEquals("F", f.name());
    assertEquals(before, tree());
  }
}
