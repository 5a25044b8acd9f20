package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dovetail.store.MailLocation;
import dovetail.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredPasswordHashTest {
  @TempDir Path dir;

  private StoredPasswordHash hashes() {
    return new StoredPasswordHash(MailLocation.parse("maildir:" + dir + "/%n/Maildir"), StoreOptions.DEFAULT);
  }

  private Path file(String user) {
    return dir.resolve(user).resolve("Maildir").resolve(StoredPasswordHash.FILE);
  }

  @Test
  void theFileHoldsASaltedSha512CryptLineReadableOnlyByItsOwner() throws Exception {
    hashes().write("alice", "Pass-Word-1");
    String line = Files.readString(file("alice"));
    assertTrue(line.matches("\\{SHA512-CRYPT\\}\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}\n"), line);
    assertFalse(line.contains("Pass-Word-1"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file("alice"))));
    assertEquals(PasswordSchemes.Result.MATCH, hashes().verify("alice", "Pass-Word-1"));
    assertEquals(PasswordSchemes.Result.MISMATCH, hashes().verify("alice", "pass-word-1"));
  }

  @Test
  void theSameFirstLoginCreatesTheStoreAsTheStoreDoes() throws Exception {
    hashes().write("alice", "pw");
    assertTrue(Files.isDirectory(dir.resolve("alice/Maildir/cur")), "a real Maildir, not a bare directory");
  }

  @Test
  void eachWriteHasAFreshSaltAndReplacesTheOldHashWithoutLeavingTempFiles() throws Exception {
    StoredPasswordHash hashes = hashes();
    hashes.write("alice", "one");
    String first = hashes.read("alice").orElseThrow();
    hashes.write("alice", "one");
    assertNotEquals(first, hashes.read("alice").orElseThrow(), "a new salt each time");
    hashes.write("alice", "two");
    assertEquals(PasswordSchemes.Result.MISMATCH, hashes.verify("alice", "one"));
    assertEquals(PasswordSchemes.Result.MATCH, hashes.verify("alice", "two"));
    try (var files = Files.list(file("alice").getParent())) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(StoredPasswordHash.FILE + ".tmp")));
    }
  }

  @Test
  void readingForAnUnknownUserCreatesNothing() throws Exception {
    assertEquals(Optional.empty(), hashes().read("bob"));
    assertEquals(PasswordSchemes.Result.MISMATCH, hashes().verify("bob", "anything"));
    assertFalse(Files.exists(dir.resolve("bob")));
  }

  @Test
  void theFileIsOwnedLikeTheMaildirRoot() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "only root can give files away");
    Path root = Files.createDirectories(dir.resolve("alice/Maildir"));
    Files.setAttribute(root, "unix:uid", 65534);
    Files.setAttribute(root, "unix:gid", 65534);
    hashes().write("alice", "pw");
    assertEquals(65534, Files.getAttribute(file("alice"), "unix:uid"));
    assertEquals(65534, Files.getAttribute(file("alice"), "unix:gid"));
  }
}
