package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailLocationTest {
  private final MailLocation location = MailLocation.parse("maildir:/var/vmail/%d/%n/Maildir:INDEX=/var/index/%u");

  @Test
  void expandsDomainAndUserParts() {
    assertEquals(Path.of("/var/vmail/example.org/alice/Maildir"), location.rootFor("alice@example.org"));
    assertEquals(Path.of("/var/vmail/bob/Maildir"), location.rootFor("bob"));
  }

  @Test
  void userNamesThatCouldLeaveTheirDirectoryAreRefused() {
    for (String bad : new String[] {"../root", "a/b", ".hidden", "alice@..", "a@b@c", "", "tab\tname", "back\\slash"}) {
      assertEquals(StoreError.INVALID_NAME, assertThrows(StoreException.class, () -> location.rootFor(bad)).error(), bad);
    }
  }

  @Test
  void aRefusedUserNameIsOneLineThatQuotesItAndSaysWhy() {
    assertEquals(Optional.of("invalid user name '../alice': '/' is not allowed"),
        MailLocation.userNameProblem("../alice"));
    assertEquals(Optional.of("invalid user name 'alice\\x0a': control character U+000A is not allowed"),
        MailLocation.userNameProblem("alice\n"));
    assertEquals(Optional.of("invalid user name '.hidden': it may not start with '.'"),
        MailLocation.userNameProblem(".hidden"));
    assertEquals(Optional.of("invalid user name 'a@b@c': more than one '@'"), MailLocation.userNameProblem("a@b@c"));
    assertEquals(Optional.empty(), MailLocation.userNameProblem("alice@example.org"));
    assertEquals("invalid user name '../alice': '/' is not allowed",
        assertThrows(StoreException.class, () -> location.rootFor("../alice")).getMessage());
  }

  @Test
  void onlyMaildirLocationsWithKnownOptionsAreAccepted() {
    assertThrows(IllegalArgumentException.class, () -> MailLocation.parse("mbox:~/mail"));
    assertThrows(IllegalArgumentException.class, () -> MailLocation.parse("maildir:/m/%u:CONTROL=/c/%u"));
    assertThrows(IllegalArgumentException.class, () -> MailLocation.parse("maildir:relative/%u"));
  }

  @Test
  void aLocationWithoutTheUserIsRefused() {
    for (String shared : List.of("maildir:/srv/shared/Maildir", "maildir:/var/vmail/%d/Maildir", "maildir:/srv/%%n")) {
      assertThrows(IllegalArgumentException.class, () -> MailLocation.parse(shared), shared);
    }
  }

  @Test
  void usersAreFoundByWalkingTheDirectoriesOfDomainAndUserParts(@TempDir Path tmp) throws IOException {
    MailLocation byDomain = MailLocation.parse("maildir:" + tmp + "/vmail/%d/%n/Maildir");
    for (String user : List.of("alice@example.org", "bob@example.org", "carol@example.net", "dave")) {
      Files.createDirectories(byDomain.rootFor(user));
    }
    Files.createDirectories(tmp.resolve("vmail/example.org/nomaildir")); // no Maildir: no store
    Files.createFile(tmp.resolve("vmail/example.org/file"));
    assertEquals(List.of("alice@example.org", "bob@example.org", "carol@example.net", "dave"), byDomain.users());
  }

  @Test
  void usersAreFoundUnderAWholeUserNameAndWithModifiers(@TempDir Path tmp) throws IOException {
    MailLocation whole = MailLocation.parse("maildir:" + tmp + "/srv/%u/Maildir");
    Files.createDirectories(whole.rootFor("alice@example.org"));
    Files.createDirectories(whole.rootFor("bob"));
    Files.createDirectories(tmp.resolve("srv/.hidden/Maildir")); // not a user name
    assertEquals(List.of("alice@example.org", "bob"), whole.users());

    MailLocation lower = MailLocation.parse("maildir:" + tmp + "/low/%Ld/x-%Ln:LAYOUT=maildir++");
    Files.createDirectories(lower.rootFor("Eve@Example.COM"));
    Files.createDirectories(tmp.resolve("low/example.com/other")); // no "x-" prefix
    assertEquals(List.of("eve@example.com"), lower.users());
  }

  @Test
  void noUsersWhenTheBaseDirectoryIsMissing(@TempDir Path tmp) {
    assertEquals(List.of(), MailLocation.parse("maildir:" + tmp + "/none/%d/%n").users());
  }
}
