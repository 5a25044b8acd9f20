package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The skeleton's record in INBOX's state: what each write leaves for the next refresh. */
class SkeletonStateTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static Map<String, String> refreshed(List<String> seen, Map<String, String> unset) {
    return SkeletonState.withRefresh(Map.of("migration.state", "complete"), NOW, seen, unset);
  }

  @Test
  void aRefreshReplacesTheRecordAndKeepsTheFolderState() {
    Map<String, String> first = refreshed(List.of("INBOX", "Sent", "Old"), Map.of("Old", "legacy folder 'Old' ..."));
    Map<String, String> second = SkeletonState.withRefresh(first, NOW, List.of("inbox", "Sent"), Map.of());
    assertTrue(SkeletonState.built(second));
    assertEquals(Optional.of(Set.of("INBOX", "Sent")), SkeletonState.seen(second), "INBOX compares ignoring case");
    assertEquals(Map.of(), SkeletonState.unset(second));
    assertEquals("complete", second.get("migration.state"));
  }

  @Test
  void unsetFoldersKeepTheirOrderAndReason() {
    Map<String, String> unset = new LinkedHashMap<>();
    for (int i = 1; i <= 11; i++) {
      unset.put("F" + i, "legacy folder 'F" + i + "' cannot be opened now: NO\r\nlater");
    }
    Map<String, String> read = SkeletonState.unset(refreshed(List.of("INBOX"), unset));
    assertEquals(List.copyOf(unset.keySet()), List.copyOf(read.keySet()), "F10 after F9, not after F1");
    assertEquals("legacy folder 'F1' cannot be opened now: NO later", read.get("F1"), "one line");
  }

  @Test
  void anUnsetFolderRecordedWithoutAReasonStillNamesTheFolder() {
    Map<String, String> old = Map.of(SkeletonState.BUILT, NOW.toString(), "skeleton.unset.1", "Sent");
    assertEquals(Map.of("Sent", "legacy folder 'Sent' could not be set up (see the log)"), SkeletonState.unset(old));
    assertEquals(Optional.empty(), SkeletonState.seen(old));
  }

  @Test
  void aFolderSetUpIsSeenAtOnceAndNoLongerUnset() {
    Map<String, String> before = refreshed(List.of("INBOX", "Sent"), Map.of("Sent", "in the way"));
    Map<String, String> retried = SkeletonState.withSetUp(before, "Sent");
    assertEquals(Map.of(), SkeletonState.unset(retried));
    assertEquals(Optional.of(Set.of("INBOX", "Sent")), SkeletonState.seen(retried));
    Map<String, String> added = SkeletonState.withSetUp(retried, "Later");
    assertEquals(Optional.of(Set.of("INBOX", "Sent", "Later")), SkeletonState.seen(added));
  }

  /** A record holding the one folder set up would make every other legacy folder new, the deleted ones too. */
  @Test
  void aFolderSetUpStartsNoSeenRecordWhereThereIsNone() {
    Map<String, String> old = Map.of(SkeletonState.BUILT, NOW.toString(), "skeleton.unset.1", "Sent");
    Map<String, String> after = SkeletonState.withSetUp(old, "Sent");
    assertEquals(Map.of(), SkeletonState.unset(after));
    assertFalse(SkeletonState.seen(after).isPresent(), after.toString());
  }
}
