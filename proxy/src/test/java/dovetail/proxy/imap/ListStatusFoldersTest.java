package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.core.Username;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.message.StatusDataItems;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.imap.message.request.ListRequest;
import org.apache.james.mailbox.MailboxSession;
import org.junit.jupiter.api.Test;

class ListStatusFoldersTest {
  private static final List<String> FOLDERS = List.of("INBOX", "INBOX/Sub", "Work", "Work/2024", "Work/2024/Q1",
      "Projekte/\u00dcber", "Archive");

  private static List<String> listed(String reference, String pattern, boolean status) {
    ListRequest request = new ListRequest(ImapConstants.LIST_COMMAND, reference, pattern, new Tag("a"),
        EnumSet.noneOf(ListRequest.ListSelectOption.class), EnumSet.of(ListRequest.ListReturnOption.STATUS),
        status ? Optional.of(new StatusDataItems(EnumSet.of(StatusDataItems.StatusItem.MESSAGES))) : Optional.empty());
    FakeImapSession session = new FakeImapSession();
    session.setMailboxSession(new MailboxSession(MailboxSession.SessionId.of(1), Username.of("alice"),
        Optional.empty(), List.of(Locale.ROOT), '.', MailboxSession.SessionType.User));
    return ListStatusFolders.of(request, session, FOLDERS);
  }

  @Test
  void starMatchesEveryLevelAndPercentOnlyOne() {
    assertEquals(FOLDERS, listed("", "*", true));
    assertEquals(List.of("INBOX", "Work", "Archive"), listed("", "%", true));
    assertEquals(List.of("Work/2024"), listed("", "Work.%", true));
    assertEquals(List.of("Work/2024", "Work/2024/Q1"), listed("Work.", "*", true));
    assertEquals(List.of("Work/2024"), listed("Work.", "%", true));
  }

  @Test
  void inboxMatchesInAnyCaseAndNamesAreModifiedUtf7() {
    assertEquals(List.of("INBOX", "INBOX/Sub"), listed("", "inbox*", true));
    assertEquals(List.of("INBOX/Sub"), listed("inbox.", "*", true));
    assertEquals(List.of("Projekte/\u00dcber"), listed("", "Projekte.&ANw-ber", true));
    assertEquals(List.of("Projekte/\u00dcber"), listed("Projekte.", "&ANw-ber", true));
  }

  /** As James 3.8.1's ListProcessor resolves them: a reference from '#' on goes through PathConverter. */
  @Test
  void aReferenceInThePrivateNamespaceIsTheUsersOwnFolders() {
    assertEquals(FOLDERS, listed("#private.", "*", true));
    assertEquals(FOLDERS, listed("#private", "*", true));
    assertEquals(List.of("INBOX", "Work", "Archive"), listed("#private.", "%", true));
    assertEquals(List.of("INBOX", "Work", "Archive"), listed("#private", "%", true));
    assertEquals(List.of("Work/2024", "Work/2024/Q1"), listed("#private.Work.", "*", true));
    assertEquals(List.of("Work/2024"), listed("#private.Work.", "%", true));
    assertEquals(List.of("Work/2024/Q1"), listed("#private.Work", ".%.%", true));
    assertEquals(List.of(), listed("#user.bob.", "*", true), "another namespace: James refuses it");
    assertEquals(List.of(), listed("#PRIVATE.", "*", true), "a namespace is named exactly");
    assertEquals(List.of(), listed("", "#private.*", true), "James matches a '#' pattern literally: nothing");
    assertEquals(List.of(), listed("Work.", "#private.*", true), "a '#' pattern drops the reference");
  }

  /** James's ListProcessor answers an empty pattern with the delimiter alone, and takes the reference as it is. */
  @Test
  void anEmptyPatternListsNoFolderAndAReferenceHasNoWildcards() {
    assertEquals(List.of(), listed("Work", "", true));
    assertEquals(List.of(), listed("#private.Work", "", true));
    assertEquals(List.of(), listed("W*", "", true));
    assertEquals(List.of(), listed("Wor%.", "*", true));
    assertEquals(List.of(), listed("#private.W*.", "%", true));
  }

  @Test
  void withoutStatusNothingIsListedForMigration() {
    assertEquals(List.of(), listed("", "*", false));
  }
}
