package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.james.mailbox.exception.MailboxNameException;
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
}
