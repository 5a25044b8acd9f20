package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Ownership": when Dovetail runs as root, every file and directory it creates in a user's Maildir takes the
 * owner of the Maildir root (or of its nearest existing parent), here {@code nobody}, so that Dovecot (as the mail
 * user) and a later run that is not root can change them. Needs root to give files away; CI runs as root.
 */
class OwnershipTest {
  private static final int NOBODY = 65534;

  @TempDir Path dir;
  private Path mailRoot;
  private Path maildir;

  @BeforeEach
  void giveTheMailRootAway() throws IOException {
    assumeTrue(runningAsRoot(), "not running as root: files cannot be given to another owner here (CI runs as root)");
    mailRoot = dir.resolve("vmail");
    Files.createDirectories(mailRoot);
    Files.setAttribute(mailRoot, "unix:uid", NOBODY);
    Files.setAttribute(mailRoot, "unix:gid", NOBODY);
    maildir = mailRoot.resolve("alice").resolve("Maildir"); // made by the store: its parent decides the owner
  }

  private static boolean runningAsRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String owner(Path p) throws IOException {
    return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
        + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  /** Everything under the mail root that is not {@code nobody:nogroup}, with its owner. */
  private List<String> notNobody() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> all = Files.walk(mailRoot)) {
      for (Path p : all.toList()) {
        if (!owner(p).equals(NOBODY + ":" + NOBODY)) {
          out.add(mailRoot.relativize(p) + " " + owner(p));
        }
      }
    }
    return out;
  }

  @Test
  void everythingTheStoreWritesBelongsToTheOwnerOfTheMaildir() throws IOException {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    Mailbox inbox = store.open(MailStore.INBOX);
    inbox.append(MessageMeta.next(Instant.now(), Flags.NONE.withKeywords("$Label1")), bytes("Subject: a\n\nx\n"));
    long second = inbox.append(MessageMeta.next(Instant.now(), Flags.NONE), bytes("Subject: b\n\ny\n")).uid();
    inbox.setFlags(second, Flags.of(SystemFlag.SEEN));
    inbox.expunge(List.of(second));
    inbox.updateDovetailState(s -> {
      Map<String, String> next = new HashMap<>(s);
      next.put("state", "complete");
      return next;
    });
    Mailbox sub = store.create("Archive/2019", 1234, 10);
    sub.append(MessageMeta.next(Instant.now(), Flags.NONE), bytes("Subject: c\n\nz\n"));
    sub.writeDovetailState(Map.of("state", "pending"));
    store.create("Fresh"); // a UIDVALIDITY of the store's own: dovecot-uidvalidity and its marker
    store.setSubscribed("Archive/2019", true);
    // Dovetail's own side files, made through the store by the front-ends (expunge record, spool, password hash).
    sub.files().replace(sub.dovetailFile("expunged"), "dovetail-expunged 1 1234\n".getBytes(StandardCharsets.US_ASCII));
    store.files().createDirectories(maildir.resolve("dovetail-spool").resolve("tmp"));
    try (FileChannel spooled = store.files().createNew(maildir.resolve("dovetail-spool").resolve("1.eml"))) {
      spooled.write(java.nio.ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
    }

    assertEquals(List.of(), notNobody());
  }

  /** A kill in the middle of a save leaves its tmp/ file behind: it must already be the mail user's then. */
  @Test
  void aMessageInTmpIsTheMailUsersBeforeItsFirstByteIsWritten() throws IOException {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    Mailbox inbox = store.open(MailStore.INBOX);
    List<String> seenDuringTheWrite = new ArrayList<>();
    InputStream watching = new InputStream() {
      private final InputStream body = bytes("Subject: interrupted\n\nbody\n");

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (seenDuringTheWrite.isEmpty()) {
          try (Stream<Path> tmp = Files.list(maildir.resolve("tmp"))) {
            for (Path p : tmp.toList()) {
              seenDuringTheWrite.add(owner(p));
            }
          }
        }
        return body.read(b, off, len);
      }
    };
    MailboxTransaction tx = inbox.begin(); // never committed nor closed: as if the process died here
    tx.add(MessageMeta.next(Instant.now(), Flags.NONE), watching);
    assertEquals(List.of(NOBODY + ":" + NOBODY), seenDuringTheWrite);
    assertEquals(List.of(), notNobody());
  }

  /** Lock files: a kill leaves them behind too (the dotlock) or they stay for good (dovetail-state.lock). */
  @Test
  void lockFilesBelongToTheMailUser() throws IOException {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    Mailbox inbox = store.open(MailStore.INBOX);
    List<String> stateLock = new ArrayList<>();
    inbox.updateDovetailState(s -> {
      try {
        stateLock.add(owner(maildir.resolve(DovetailStateFile.LOCK_FILE)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return s;
    });
    assertEquals(List.of(NOBODY + ":" + NOBODY), stateLock);
    Path lockFile = maildir.resolve(FolderLock.FILE);
    try (Dotlock held = Dotlock.acquire(lockFile, maildir.resolve("dovecot-uidlist"), FolderLock.STALE_AFTER,
        Duration.ofSeconds(5), FileOwner.of(maildir))) {
      assertEquals(NOBODY + ":" + NOBODY, owner(lockFile));
      assertTrue(Files.exists(lockFile));
    }
    // And the one a folder write takes.
    FolderLock.of(maildir, FileOwner.of(maildir)).write(Duration.ofSeconds(5), () -> {
      try {
        assertEquals(NOBODY + ":" + NOBODY, owner(lockFile));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return null;
    });
    assertEquals(List.of(), notNobody());
    assertTrue(Set.of(NOBODY + ":" + NOBODY).contains(owner(maildir)));
  }

  /**
   * A store chowned while it is open: what it creates afterwards takes the new owner once the old look at the root
   * is older than the recheck interval (here none), not only after a restart (walk-through 6, W8).
   */
  @Test
  void aChownWhileTheStoreIsOpenIsTakenForNewFiles() throws IOException {
    Path root = dir.resolve("rootowned");
    Files.createDirectories(root);
    FileWrites writes = new FileWrites(dovetail.conf.FsyncMode.NEVER, FileOwner.of(root, java.time.Duration.ZERO),
        FileModes.PRIVATE);
    writes.createDirectories(root.resolve(".before"));
    assertEquals("0:0", owner(root.resolve(".before")));
    Files.setAttribute(root, "unix:uid", NOBODY);
    Files.setAttribute(root, "unix:gid", NOBODY);
    writes.createDirectories(root.resolve(".after"));
    assertEquals(NOBODY + ":" + NOBODY, owner(root.resolve(".after")));
  }

  /**
   * A state file that cannot be written whole (here its rename fails; in walk-through 11, W7, a full disk) leaves no
   * temporary file behind: a root-owned one made every later write fail once serve ran as the store's owner.
   */
  @Test
  void aReplaceThatFailsLeavesNoTemporaryFile() throws IOException {
    Path root = dir.resolve("failing");
    Files.createDirectories(root.resolve("target/occupied"));
    Files.setAttribute(root, "unix:uid", NOBODY);
    Files.setAttribute(root, "unix:gid", NOBODY);
    FileWrites writes = new FileWrites(dovetail.conf.FsyncMode.NEVER, FileOwner.of(root, java.time.Duration.ZERO),
        FileModes.PRIVATE);
    assertThrows(dovetail.store.StoreException.class, () -> writes.replace(root.resolve("target"), new byte[] {1}));
    assertFalse(Files.exists(root.resolve("target.tmp")), "the temporary file is removed");
  }
}
