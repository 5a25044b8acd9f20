package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.model.MailboxPath;
import org.junit.jupiter.api.Test;

class FolderNamesTest {
  @Test
  void jamesDotsAreStoreLevels() throws MailboxNameException {
    assertEquals("Archive/2023", FolderNames.toStore("Archive.2023", '.'));
    assertEquals("Archive.2023", FolderNames.toJames("Archive/2023", '.'));
    assertEquals("INBOX", FolderNames.toStore("inbox", '.'));
    assertEquals("INBOX/sub", FolderNames.toStore("Inbox.sub", '.'));
  }

  @Test
  void theStoreSeparatorInANameIsRefused() {
    assertThrows(MailboxNameException.class, () -> FolderNames.toStore("a/b", '.'));
    assertThrows(MailboxNameException.class, () -> FolderNames.toStore("../bob", '.'));
  }

  @Test
  void aNameNoFolderCanHaveIsRefusedWithDovecotsReason() throws MailboxNameException {
    assertEquals("Invalid mailbox name: Name must not have '/' characters",
        assertThrows(InvalidFolderNameException.class, () -> FolderNames.check("Neu/Ordner", '.')).getMessage());
    assertEquals("Invalid mailbox name: Has adjacent hierarchy separators",
        assertThrows(InvalidFolderNameException.class, () -> FolderNames.check("a..b", '.')).getMessage());
    assertEquals("Invalid mailbox name: Begins with hierarchy separator",
        assertThrows(InvalidFolderNameException.class, () -> FolderNames.check(".a", '.')).getMessage());
    assertEquals("Invalid mailbox name: Ends with hierarchy separator",
        assertThrows(InvalidFolderNameException.class, () -> FolderNames.check("a.", '.')).getMessage());
    assertEquals("Invalid mailbox name: Name must not have control characters",
        assertThrows(InvalidFolderNameException.class, () -> FolderNames.check("a\tb", '.')).getMessage());
    FolderNames.check("Projekte.Übersicht", '.');
    FolderNames.check("to*do", '.'); // the store can hold it (a legacy folder may have it); James creates none
  }

  @Test
  void aNewFolderAlsoFollowsJamesRules() throws MailboxNameException {
    Username alice = Username.of("alice");
    assertEquals("Invalid mailbox name: Name must not have '%' or '*' characters", assertThrows(
        InvalidFolderNameException.class, () -> FolderNames.checkNew(MailboxPath.forUser(alice, "to*do"), '.'))
        .getMessage());
    assertEquals("Mailbox name too long", assertThrows(InvalidFolderNameException.class,
        () -> FolderNames.checkNew(MailboxPath.forUser(alice, "x".repeat(201)), '.')).getMessage());
    FolderNames.checkNew(MailboxPath.forUser(alice, "Projekte.Übersicht"), '.');
  }
}
