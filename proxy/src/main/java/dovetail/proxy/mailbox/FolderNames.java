package dovetail.proxy.mailbox;

import dovetail.store.MailStore;
import java.util.Locale;
import org.apache.james.mailbox.exception.MailboxNameException;

/**
 * James names folders with its session delimiter ('.', as Dovecot's Maildir++ namespace does); the store
 * separates levels with {@link MailStore#SEPARATOR}. A Maildir++ level cannot contain '.', so the mapping is
 * one to one; a James name with the store's separator in a level cannot be stored and is refused.
 */
public final class FolderNames {
  private FolderNames() {}

  public static String toStore(String jamesName, char delimiter) throws MailboxNameException {
    if (jamesName.equalsIgnoreCase(MailStore.INBOX)) {
      return MailStore.INBOX;
    }
    if (delimiter != MailStore.SEPARATOR && jamesName.indexOf(MailStore.SEPARATOR) >= 0) {
      throw new MailboxNameException("'" + MailStore.SEPARATOR + "' is not allowed in a folder name: " + jamesName);
    }
    String name = jamesName.replace(delimiter, MailStore.SEPARATOR);
    if (name.toUpperCase(Locale.ROOT).startsWith("INBOX" + MailStore.SEPARATOR) && !name.startsWith("INBOX")) {
      name = MailStore.INBOX + name.substring(MailStore.INBOX.length());
    }
    return name;
  }

  static String toJames(String storeName, char delimiter) {
    return storeName.replace(MailStore.SEPARATOR, delimiter);
  }
}
