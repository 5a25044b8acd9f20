package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records a migration keeps in dovetail-state, as status reads them (a folder whose legacy UIDNEXT was 100). */
class StoredOriginsTest {
  private static final long UIDNEXT = 100;

  @Test
  void anotherProgramsMessageAtALegacyUidIsLocal() {
    StoredOrigins o = StoredOrigins.of(Map.of(ForeignWrites.FOREIGN_PREFIX + "7", ""));
    assertTrue(o.local(7));
    assertFalse(o.migrated(7, UIDNEXT));
    assertTrue(o.migrated(8, UIDNEXT), "its neighbour is the legacy copy");
    assertFalse(o.migrated(100, UIDNEXT), "at the legacy UIDNEXT: not the migration's");
    assertTrue(o.migrated(100, Long.MAX_VALUE), "before completion everything not local is");
  }

  /** A taken legacy UID copied under a new UID, the other program's message moved up beside it. */
  @Test
  void aLegacyMessageMovedUpIsMigratedAndItsOccupantLocal() {
    StoredOrigins o = StoredOrigins.of(Map.of(LateMailState.MOVED_PREFIX + "50", "102 101"));
    assertTrue(o.migrated(102, UIDNEXT));
    assertFalse(o.local(102));
    assertTrue(o.local(101));
    assertFalse(o.migrated(101, UIDNEXT));
  }

  /** Late legacy mail moved up is not the migration's (it counts as late), whatever its new UID. */
  @Test
  void lateMailMovedUpIsNotMigrated() {
    StoredOrigins o = StoredOrigins.of(Map.of(LateMailState.MOVED_PREFIX + "120", "130"));
    assertFalse(o.migrated(130, UIDNEXT));
    assertFalse(o.local(130));
  }

  /**
   * The legacy message at 102 (moved there for a taken UID) later held the UID a late message needed and moved on to
   * 103: the late record names 103 as its occupant, and the earlier record names it as the legacy message's place
   * (review 9, finding 3: it counted as local, and status showed a false "expunged since").
   */
  @Test
  void aMovedLegacyMessageMovedAgainForLateMailStaysMigrated() {
    StoredOrigins o = StoredOrigins.of(Map.of(LateMailState.MOVED_PREFIX + "50", "103 101",
        LateMailState.MOVED_PREFIX + "102", "104 103"));
    assertTrue(o.migrated(103, UIDNEXT));
    assertFalse(o.local(103));
    assertFalse(o.migrated(104, UIDNEXT), "the late message");
  }

  @Test
  void takenUidsWaitUntilTheOperatorConsents() {
    StoredOrigins o = StoredOrigins.of(Map.of(ForeignWrites.TAKEN_PREFIX + "5", "held by another message",
        ForeignWrites.TAKEN_PREFIX + "6", ForeignWrites.CONSENTED));
    assertEquals(1, o.waiting());
  }
}
