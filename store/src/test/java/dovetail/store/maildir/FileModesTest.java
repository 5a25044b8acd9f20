package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody reads another user's mail through the file system: what the store creates is 0700/0600 whatever the
 * process umask (the build runs with 022, which made everything 0755/0644, readable by every local account), or,
 * as in Dovecot, the mode of a Maildir root that already exists (a root shared with a group stays shared).
 */
class FileModesTest {
  @TempDir Path dir;

  @Test
  void aNewStoreIsTheOwnersAlone() throws IOException {
    Path maildir = dir.resolve("vmail").resolve("alice").resolve("Maildir");
    writeEverything(maildir);
    assertEquals(Map.of("dir rwx------", "all", "file rw-------", "all"), modes(dir.resolve("vmail").resolve("alice")));
  }

  @Test
  void anExistingRootGivesItsModeAsInDovecot() throws IOException {
    Path maildir = dir.resolve("Maildir");
    Files.createDirectory(maildir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwx---")));
    Files.setPosixFilePermissions(maildir, PosixFilePermissions.fromString("rwxrwx---")); // past the umask
    writeEverything(maildir);
    assertEquals(Map.of("dir rwxrwx---", "all", "file rw-rw----", "all"), modes(maildir));
  }

  private static void writeEverything(Path maildir) throws IOException {
    MailStore store = MaildirStore.open(maildir, StoreOptions.DEFAULT);
    Mailbox inbox = store.open(MailStore.INBOX);
    inbox.append(MessageMeta.next(Instant.now(), Flags.NONE.withKeywords("$Label1")), bytes("Subject: a\n\nx\n"));
    long second = inbox.append(MessageMeta.next(Instant.now(), Flags.NONE), bytes("Subject: b\n\ny\n")).uid();
    inbox.setFlags(second, Flags.of(SystemFlag.SEEN));
    Mailbox sub = store.create("Archive/2019", 1234, 10);
    sub.append(MessageMeta.next(Instant.now(), Flags.NONE), bytes("Subject: c\n\nz\n"));
    sub.writeDovetailState(Map.of("state", "pending"));
    store.create("Fresh");
    store.setSubscribed("Archive/2019", true);
    sub.files().replace(sub.dovetailFile("expunged"), "dovetail-expunged 1 1234\n".getBytes(StandardCharsets.US_ASCII));
    store.files().createDirectories(maildir.resolve("dovetail-spool").resolve("tmp"));
    try (FileChannel spooled = store.files().createNew(maildir.resolve("dovetail-spool").resolve("1.eml"))) {
      spooled.write(java.nio.ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
    }
  }

  /** "dir MODE" / "file MODE" -> "all" when every one has it, else the paths that have it. */
  private static Map<String, String> modes(Path top) throws IOException {
    Map<String, List<Path>> byMode = new TreeMap<>();
    List<Path> all;
    try (Stream<Path> walk = Files.walk(top)) {
      // dovecot-uidvalidity.<hex> is an empty marker that Dovecot makes 0444 (dovecot-maildir-format.md): no mail in it
      all = walk.filter(p -> !p.getFileName().toString().startsWith("dovecot-uidvalidity.")).toList();
    }
    for (Path p : all) {
      String key = (Files.isDirectory(p) ? "dir " : "file ") + PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
      byMode.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(p);
    }
    Map<String, String> shown = new TreeMap<>();
    byMode.forEach((mode, paths) -> shown.put(mode, paths.size() == all.stream()
        .filter(p -> Files.isDirectory(p) == mode.startsWith("dir")).count() ? "all" : paths.toString()));
    return shown;
  }

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }
}
