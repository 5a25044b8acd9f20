package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MOVE into a folder on another file system, where a rename cannot go (EXDEV): the message is copied, with its
 * bytes and INTERNALDATE, and the source's expunge removes the original (copy+expunge, the one case left). Skipped
 * where a tmpfs cannot be mounted (needs root).
 */
class MoveAcrossFileSystemsTest {
  private static final Instant DATE = Instant.parse("2023-04-05T06:07:08Z");
  private static final byte[] BODY = "Subject: across\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path root;
  private Path mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null && !run("umount", mounted.toString())) {
      run("umount", "-l", mounted.toString());
    }
  }

  private static boolean run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void theMessageIsCopiedAndTheSourcesExpungeRemovesTheOriginal() throws Exception {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT);
    Mailbox a = store.create("A");
    Path other = Files.createDirectories(root.resolve(".B"));
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", other.toString()),
        "a tmpfs cannot be mounted here (needs root): no second file system to move to");
    mounted = other;
    Mailbox b = store.create("B");
    StoredMessage original = a.append(MessageMeta.next(DATE, Flags.of(SystemFlag.SEEN)), new ByteArrayInputStream(BODY));

    StoredMessage moved;
    try (MailboxTransaction tx = b.begin()) {
      tx.addMoved(a, original.uid(), Flags.of(SystemFlag.SEEN));
      moved = tx.commit().get(0);
    }
    assertEquals(DATE, b.message(moved.uid()).orElseThrow().internalDate());
    try (InputStream in = b.openContent(moved.uid())) {
      assertArrayEquals(BODY, in.readAllBytes());
    }
    assertEquals(List.of(original.uid()), a.messages().stream().map(StoredMessage::uid).toList(),
        "the original stays until the source's expunge");
    a.expunge(List.of(original.uid()));
    assertEquals(List.of(), store.open("A").messages());
    assertEquals(List.of(moved), store.open("B").messages());
    try (var tmp = Files.list(other.resolve("tmp"))) {
      assertEquals(0, tmp.count(), "nothing left in the target's tmp/");
    }
  }
}
