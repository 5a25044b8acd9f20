package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.StatusDataItems;
import org.apache.james.imap.message.request.ListRequest;
import org.junit.jupiter.api.Test;

class ListStatusFoldersTest {
  private static final List<String> FOLDERS = List.of("INBOX", "INBOX/Sub", "Work", "Work/2024", "Work/2024/Q1",
      "Projekte/\u00dcber", "Archive");

  private static List<String> listed(String reference, String pattern, boolean status) {
    ListRequest request = new ListRequest(ImapConstants.LIST_COMMAND, reference, pattern, new Tag("a"),
        EnumSet.noneOf(ListRequest.ListSelectOption.class), EnumSet.of(ListRequest.ListReturnOption.STATUS),
        status ? Optional.of(new StatusDataItems(EnumSet.of(StatusDataItems.StatusItem.MESSAGES))) : Optional.empty());
    return ListStatusFolders.of(request, '.', FOLDERS);
  }

  @Test
  void starMatchesEveryLevelAndPercentOnlyOne() {
    assertEquals(FOLDERS, listed("", "*", true));
    assertEquals(List.of("INBOX", "Work", "Archive"), listed("", "%", true));
    assertEquals(List.of("Work/2024"), listed("", "Work.%", true));
    assertEquals(List.of("Work/2024", "Work/2024/Q1"), listed("Work.", "*", true));
  }

  @Test
  void inboxMatchesInAnyCaseAndNamesAreModifiedUtf7() {
    assertEquals(List.of("INBOX", "INBOX/Sub"), listed("", "inbox*", true));
    assertEquals(List.of("Projekte/\u00dcber"), listed("", "Projekte.&ANw-ber", true));
  }

  /** As James 3.8.1's ListProcessor resolves them: a reference from '#' on goes through PathConverter. */
  @Test
  void aReferenceInThePrivateNamespaceIsTheUsersOwnFolders() {
    assertEquals(FOLDERS, listed("#private.", "*", true));
    assertEquals(FOLDERS, listed("#private", "*", true));
    assertEquals(List.of("Work/2024", "Work/2024/Q1"), listed("#private.Work.", "*", true));
    assertEquals(List.of(), listed("#user.bob.", "*", true), "another namespace: James refuses it");
    assertEquals(List.of(), listed("", "#private.*", true), "James matches a '#' pattern literally: nothing");
    assertEquals(List.of(), listed("Work.", "#private.*", true), "a '#' pattern drops the reference");
  }

  @Test
  void withoutStatusNothingIsListedForMigration() {
    assertEquals(List.of(), listed("", "*", false));
  }
}
