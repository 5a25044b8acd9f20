package dovetail.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswdFileTest {
  @TempDir Path dir;

  @Test
  void dovecotLinesCommentsAndExtraFields() {
    Map<String, String> users = PasswdFile.parse(List.of(
        "# users", "", "alice:{PLAIN}secret:1000:1000::/home/alice::userdb_mail=maildir:~/Maildir",
        "bob@example.org:{SHA512-CRYPT}$6$x$y", "  carol:{PLAIN}c  ", "broken-line"));
    assertEquals("{PLAIN}secret", users.get("alice"));
    assertEquals("{SHA512-CRYPT}$6$x$y", users.get("bob@example.org"));
    assertEquals("{PLAIN}c", users.get("carol"));
    assertEquals(3, users.size());
  }

  @Test
  void aChangedFileIsReadAgain() throws Exception {
    Path file = dir.resolve("passwd");
    Files.writeString(file, "alice:{PLAIN}one\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    PasswdFileAuthenticator auth = new PasswdFileAuthenticator(file, Duration.ZERO);
    assertTrue(auth.isAuthentic(Username.of("alice"), "one"));
    Files.writeString(file, "alice:{PLAIN}two\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    assertFalse(auth.isAuthentic(Username.of("alice"), "one"));
    assertTrue(auth.isAuthentic(Username.of("alice"), "two"));
  }

  @Test
  void aFailedLoginIsDelayed() throws Exception {
    Path file = dir.resolve("passwd");
    Files.writeString(file, "alice:{PLAIN}one\n");
    PasswdFileAuthenticator auth = new PasswdFileAuthenticator(file, Duration.ofMillis(300));
    long start = System.nanoTime();
    assertFalse(auth.isAuthentic(Username.of("alice"), "wrong"));
    assertFalse(auth.isAuthentic(Username.of("nobody"), "one"));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 600);
  }
}
