package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.MailLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownUsersTest {
  @TempDir Path dir;

  /** A users file written by hand says "Alice"; the user who logs in is alice (one store, one migration). */
  @Test
  void theUsersFileNamesUsersInLowerCaseAndSkipsCommentsAndBlankLines() throws Exception {
    Path file = Files.writeString(dir.resolve("users.txt"), "# to migrate\nAlice\n\n  BOB@Example.ORG  \ncarol\n");
    KnownUsers users = new KnownUsers(Optional.of(file), MailLocation.parse("maildir:" + dir + "/store/%u/Maildir"));
    assertEquals(List.of("alice", "bob@example.org", "carol"), users.all());
  }

  /** A line no store can hold (a path) is not a user: it would make every status and sweeper round fail on it. */
  @Test
  void aLineThatIsNoValidUserNameIsSkipped() throws Exception {
    Path file = Files.writeString(dir.resolve("users.txt"), "alice\n../evil\ncarol/../bob\nbob\n");
    KnownUsers users = new KnownUsers(Optional.of(file), MailLocation.parse("maildir:" + dir + "/store/%u/Maildir"));
    assertEquals(List.of("alice", "bob"), users.all());
  }
}
