package dovetail.proxy.admin;

import static dovetail.proxy.admin.FixedMigrations.folder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dovetail.migrator.copy.FolderResult;
import dovetail.migrator.copy.LateMailMerge;
import dovetail.migrator.service.FolderStatus;
import dovetail.migrator.service.LateMailReport;
import dovetail.migrator.service.UserStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminJsonTest {

  @Test
  void theEtaIsWhatIsLeftOfTheUnfinishedFoldersAtTheirCombinedRate() {
    UserStatus u = new UserStatus("alice", true, List.of(
        folder("A", "migrating", 100, 200, 0, 0, Optional.empty(), 10, 10),
        folder("B", "migrating", 50, 100, 0, 0, Optional.empty(), 5, 10),
        folder("C", "failed", 0, 1000, 0, 0, Optional.of("uidvalidity"), 0, -1),
        folder("D", "complete", 7, 7, 0, 0, Optional.empty(), 0, -1)));
    JsonNode s = AdminJson.user(u).path("summary");
    // 100 + 50 messages left at 15 msg/s; the failed folder waits for an operator and is not counted.
    assertEquals(10, s.path("eta_seconds").asLong());
    assertEquals(15.0, s.path("messages_per_second").asDouble());
    assertEquals(157, s.path("messages_done").asLong());
    assertEquals(1307, s.path("messages_total").asLong());
  }

  @Test
  void localFoldersCountAsFoldersButNotAsMigrationWork() {
    UserStatus u = new UserStatus("alice", true, List.of(
        folder("INBOX", "complete", 3, 3, 30, 30, Optional.empty(), 0, -1),
        folder("Notes", "local", 5, -1, 50, -1, Optional.empty(), 0, -1)));
    JsonNode doc = AdminJson.user(u);
    JsonNode s = doc.path("summary");
    assertEquals(2, s.path("folders").asInt());
    assertEquals(1, s.path("local").asInt());
    assertEquals(3, s.path("messages_done").asLong());
    assertEquals(3, s.path("messages_total").asLong());
    assertEquals(0, s.path("eta_seconds").asLong(), "nothing left");
    assertEquals(true, doc.path("complete").asBoolean(), "a local folder leaves nothing to migrate");
  }

  @Test
  void legacyFoldersNotSetUpAreListedWithWhy() {
    UserStatus u = new UserStatus("alice", false, List.of(
        folder("INBOX", "complete", 3, 3, 30, 30, Optional.empty(), 0, -1)),
        Map.of("Sent", "legacy folder 'Sent' cannot be opened now: NO Internal error"));
    JsonNode doc = AdminJson.user(u);
    assertEquals(false, doc.path("complete").asBoolean());
    assertEquals(1, doc.path("unset").size());
    assertEquals("Sent", doc.path("unset").path(0).path("legacy_folder").asText());
    assertEquals("legacy folder 'Sent' cannot be opened now: NO Internal error",
        doc.path("unset").path(0).path("reason").asText());
    assertTrue(AdminJson.user(new UserStatus("bob", true, List.of())).path("unset").isArray());
  }

  @Test
  void nothingRunningMeansAnUnknownEta() {
    UserStatus u = new UserStatus("alice", true, List.of(
        folder("INBOX", "partial", 3, 10, 30, 100, Optional.of("legacy server unavailable"), 0, -1)));
    assertEquals(-1, AdminJson.user(u).path("summary").path("eta_seconds").asLong());
  }

  @Test
  void theStatusDocumentTotalsEveryUser() {
    UserStatus alice = new UserStatus("alice", true, List.of(
        folder("INBOX", "complete", 3, 3, 30, 30, Optional.empty(), 0, -1)));
    UserStatus bob = new UserStatus("bob", true, List.of(
        folder("INBOX", "pending", 0, 4, 0, 40, Optional.empty(), 0, -1)));
    JsonNode total = AdminJson.status(List.of(alice, bob)).path("total");
    assertEquals(2, total.path("users").asInt());
    assertEquals(1, total.path("users_complete").asInt());
    assertEquals(7, total.path("messages_total").asLong());
    assertEquals(70, total.path("bytes_total").asLong());
    assertEquals(1, total.path("pending").asInt());
  }

  @Test
  void progressBarsShowTheShareOrAQuestionMark() {
    assertEquals("[##########..........]  50%", StatusTable.bar("migrating", 5, 10));
    assertEquals("[####################] 100%", StatusTable.bar("complete", 0, 0));
    assertEquals("[....................]   0%", StatusTable.bar("pending", 0, 0));
    assertEquals("[....................]    ?", StatusTable.bar("pending", 0, -1));
    assertEquals("[####################] 100%", StatusTable.bar("migrating", 12, 10), "more than announced");
  }

  /**
   * Late mail merged after a folder completed is in messages_done but not in the legacy total taken at completion:
   * the text shows it apart (walk-through 5, F6: {@code 147/144} beside a full bar read as three duplicates).
   */
  @Test
  void lateMailIsShownApartFromTheMigratedMessages() {
    FolderStatus inbox = new FolderStatus("INBOX", "complete", 147, 144, 1470, 1440, 0, Optional.empty(), 0, -1,
        Optional.empty(), 3, 1, 10, 1);
    JsonNode doc = AdminJson.status(List.of(new UserStatus("alice", true, List.of(inbox))));
    List<String> lines = StatusTable.render(doc, true);
    String row = lines.stream().filter(l -> l.startsWith("  INBOX")).findFirst().orElseThrow();
    assertTrue(row.matches("\\s+INBOX\\s+complete\\s+144/144 \\+3 late \\+1 local \\(1 expunged since\\)\\s.*100%.*"), row);
    JsonNode summary = doc.path("users").path(0).path("summary");
    assertEquals(3, summary.path("late_merged").asLong(), summary.toString());
    assertTrue(AdminText.messages(summary).startsWith("144/144 messages +3 late"), AdminText.messages(summary));
    assertEquals(147, summary.path("messages_done").asLong(), "the JSON keeps its meaning");
  }

  /**
   * Keywords a migration could not copy (a legacy folder with more than 26) are in status, also after an on-access
   * migration, whose only other trace is the log (walk-through 8, W5).
   */
  @Test
  void droppedKeywordsAreShown() {
    FolderStatus kw = new FolderStatus("Kw", "complete", 10, 10, 100, 100, 0, Optional.empty(), 0, -1,
        Optional.empty(), 0, 0, 0, 0, new FolderStatus.DroppedFlags(4, "$kw26 $kw27 $kw28 $kw29"));
    JsonNode doc = AdminJson.status(List.of(new UserStatus("alice", true, List.of(kw))));
    JsonNode folder = doc.path("users").path(0).path("folders").path(0);
    assertEquals(4, folder.path("flags_dropped").asLong(), folder.toString());
    assertEquals("$kw26 $kw27 $kw28 $kw29", folder.path("flags_dropped_names").asText());
    List<String> lines = StatusTable.render(doc, true);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  Kw ") && l.contains("flags dropped")), lines.toString());
    assertTrue(lines.contains("  ! Kw: 4 flag(s) not copied, Maildir cannot hold them (26 keywords per folder, IMAP atoms only): $kw26 $kw27 $kw28"
        + " $kw29"), lines.toString());
  }

  /** Columns line up after a folder named in wide characters, which take two terminal cells each (walk-through 5). */
  @Test
  void wideCharacterNamesKeepTheColumnsAligned() {
    JsonNode doc = AdminJson.status(List.of(new UserStatus("alice", true, List.of(
        folder("日本語", "complete", 3, 3, 30, 30, Optional.empty(), 0, -1),
        folder("Reçus", "complete", 4, 4, 40, 40, Optional.empty(), 0, -1)))));
    List<String> lines = StatusTable.render(doc, true);
    String japanese = lines.stream().filter(l -> l.contains("日本語")).findFirst().orElseThrow();
    String french = lines.stream().filter(l -> l.contains("Reçus")).findFirst().orElseThrow();
    assertEquals(StatusTable.cells(french.substring(0, french.indexOf("complete"))),
        StatusTable.cells(japanese.substring(0, japanese.indexOf("complete"))), japanese + "\n" + french);
    assertEquals(6, StatusTable.cells("日本語"));
    assertEquals(5, StatusTable.cells("Re\u0063\u0327us"), "a combining cedilla takes no cell");
  }

  @Test
  void aLocalFolderHasNoTotalAndNoBar() {
    JsonNode doc = AdminJson.status(List.of(new UserStatus("alice", true, List.of(
        folder("Notes", "local", 5, -1, 50, -1, Optional.empty(), 0, -1)))));
    List<String> lines = StatusTable.render(doc, true);
    String row = lines.stream().filter(l -> l.startsWith("  Notes")).findFirst().orElseThrow();
    assertTrue(row.matches("\\s+Notes\\s+local\\s+5\\s+50 B\\s+-\\s+-\\s+-\\s+-"), row);
  }

  /** A folder that could not be checked is not counted as checked (walk-through 5: "into 1 folders checked"). */
  @Test
  void syncCountsOnlyTheFoldersItCouldCheck() {
    LateMailReport report = new LateMailReport("dave", List.of(
        new LateMailMerge.Result("INBOX", true, 2, 0, 300, ""),
        new LateMailMerge.Result("Sent", false, 0, 0, 0, "the legacy UIDVALIDITY changed from 7 to 9")),
        List.of(), Optional.empty());
    List<String> lines = AdminText.synced(AdminJson.synced(report));
    assertEquals("  Sent: not checked, 0 late messages merged; the legacy UIDVALIDITY changed from 7 to 9", lines.get(1));
    assertEquals("dave: 2 late messages merged from the legacy server into 1 folders checked, 1 not checked",
        lines.get(lines.size() - 1));
  }

  /** A folder made on the legacy server since the skeleton is a line of its own, and counted (walk-through 17, F7). */
  @Test
  void syncSaysWhichNewLegacyFoldersItMigrated() {
    LateMailReport report = new LateMailReport("erin", List.of(new LateMailMerge.Result("INBOX", true, 0, 0, 0, "")),
        List.of(), Optional.empty(), List.of("Later", "Slow"), List.of(
            new FolderResult("Later", FolderResult.Outcome.COMPLETE, 2, 400, List.of(), "", List.of()),
            new FolderResult("Slow", FolderResult.Outcome.PARTIAL, 1, 100, List.of(), "the legacy server went away",
                List.of())));
    List<String> lines = AdminText.synced(AdminJson.synced(report));
    assertEquals("  Later: new on the legacy server: migrated, 2 messages", lines.get(1));
    assertEquals("  Slow: new on the legacy server: partial: the legacy server went away, 1 messages copied",
        lines.get(2));
    assertEquals("erin: 0 late messages merged from the legacy server into 1 folders checked; new legacy folders: 1/2"
        + " migrated, 3 messages", lines.get(lines.size() - 1));
  }
}
