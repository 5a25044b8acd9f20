package dovetail.migrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoginNameTest {
  @Test
  void templateVariablesExpandLikeDovecots() {
    assertEquals("alice@example.com", LoginName.expand("%u", "alice@example.com"));
    assertEquals("alice", LoginName.expand("%n", "alice@example.com"));
    assertEquals("example.com/alice", LoginName.expand("%d/%n", "alice@example.com"));
    assertEquals("alice", LoginName.expand("%{username}", "alice@example.com"));
    assertEquals("legacy-alice@example.com", LoginName.expand("legacy-%{user}", "alice@example.com"));
    assertEquals("100%", LoginName.expand("100%%", "x"));
    assertEquals("alice", LoginName.expand("%u", "alice"));
    assertEquals("", LoginName.expand("%d", "alice"));
  }

  @Test
  void unknownVariablesAreRefused() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LoginName.expand("%x-%u", "alice"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> LoginName.expand("%{nope}", "alice"));
  }

  @Test
  void masterLoginUsesDovecotsSeparator() {
    assertEquals("alice*master", LoginName.withMaster("alice", "master"));
  }
}
