package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
  void onlyMaildirLocationsWithKnownOptionsAreAccepted() {
    assertThrows(IllegalArgumentException.class, () -> MailLocation.parse("mbox:~/mail"));
    assertThrows(IllegalArgumentException.class, () -> MailLocation.parse("maildir:/m/%u:CONTROL=/c/%u"));
    assertThrows(IllegalArgumentException.class, () -> MailLocation.parse("maildir:relative/%u"));
  }
}
