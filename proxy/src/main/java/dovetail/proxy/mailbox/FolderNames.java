package dovetail.proxy.mailbox;

import dovetail.store.MailStore;
import dovetail.store.ModifiedUtf7;
import java.util.Locale;
import org.apache.james.mailbox.exception.MailboxNameException;
import org.apache.james.mailbox.exception.TooLongMailboxNameException;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * James names folders with its session delimiter ('.', as Dovecot's Maildir++ namespace does); the store
 * separates levels with {@link MailStore#SEPARATOR}. A Maildir++ level cannot contain '.', so the mapping is
 * one to one; a James name with the store's separator in a level cannot be stored and is refused.
 *
 * <p>What names no folder can have is decided here, once ({@link #check}, {@link #checkNew}), with the reason in the
 * words of Dovecot's mailbox_verify_name for the client.
 */
public final class FolderNames {
  private FolderNames() {}

  public static String toStore(String jamesName, char delimiter) throws MailboxNameException {
    if (jamesName.equalsIgnoreCase(MailStore.INBOX)) {
      return MailStore.INBOX;
    }
    check(jamesName, delimiter);
    String name = jamesName.replace(delimiter, MailStore.SEPARATOR);
    if (name.toUpperCase(Locale.ROOT).startsWith("INBOX" + MailStore.SEPARATOR) && !name.startsWith("INBOX")) {
      name = MailStore.INBOX + name.substring(MailStore.INBOX.length());
    }
    return name;
  }

  /** The name as James's requests and responses carry it, before modified UTF-7: its delimiter, Unicode. */
  public static String toJames(String storeName, char delimiter) {
    return storeName.replace(MailStore.SEPARATOR, delimiter);
  }

  /** The name as a client writes it: its delimiter, modified UTF-7 (for a folder named in a response's text). */
  public static String toClient(String storeName, char delimiter) {
    return ModifiedUtf7.encode(toJames(storeName, delimiter));
  }

  /**
   * Refuses a name (James's form) that no folder of the store can have: the store's separator inside a level, a
   * control character, an empty level.
   */
  public static void check(String jamesName, char delimiter) throws InvalidFolderNameException {
    if (delimiter != MailStore.SEPARATOR && jamesName.indexOf(MailStore.SEPARATOR) >= 0) {
      throw InvalidFolderNameException.because("Name must not have '" + MailStore.SEPARATOR + "' characters");
    }
    if (jamesName.isEmpty()) {
      throw InvalidFolderNameException.because("Name is empty");
    }
    for (int i = 0; i < jamesName.length(); i++) {
      char c = jamesName.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw InvalidFolderNameException.because("Name must not have control characters");
      }
    }
    if (jamesName.charAt(0) == delimiter) {
      throw InvalidFolderNameException.because("Begins with hierarchy separator");
    }
    if (jamesName.contains(String.valueOf(delimiter) + delimiter)) {
      throw InvalidFolderNameException.because("Has adjacent hierarchy separators");
    }
    if (jamesName.charAt(jamesName.length() - 1) == delimiter) {
      throw InvalidFolderNameException.because("Ends with hierarchy separator");
    }
  }

  /**
   * Refuses RENAME of a folder to a name under itself, as Dovecot does before anything moves (cmd-rename.c): the
   * folder would have to become its own descendant. Both paths as James's mailbox manager takes them.
   */
  public static void checkRename(MailboxPath from, MailboxPath to, char delimiter) throws InvalidFolderNameException {
    String f = from.getName();
    String t = to.getName();
    boolean inbox = f.equalsIgnoreCase(MailStore.INBOX);
    if (t.length() > f.length() && t.regionMatches(inbox, 0, f, 0, f.length()) && t.charAt(f.length()) == delimiter) {
      throw new InvalidFolderNameException("Can't rename mailbox under its own child.");
    }
  }

  /**
   * Refuses DELETE of INBOX before James runs it, in Dovecot's words: James deselects the folder it is asked to delete
   * before it tries, so a client that had INBOX selected lost its selection to a DELETE that could never work (and the
   * answer was "DELETE processing failed", with an ERROR and a stack trace in the log).
   */
  public static void checkDelete(MailboxPath path) throws InvalidFolderNameException {
    if (path.getName().equalsIgnoreCase(MailStore.INBOX)) {
      throw new InvalidFolderNameException("INBOX can't be deleted.");
    }
  }

  /**
   * Refuses a name for a new folder (CREATE, RENAME's new name) that the store cannot hold ({@link #check}) or James
   * does not create (MailboxPath.assertAcceptable: '%' or '*', a leading '#', more than 200 characters), or that stock
   * Dovecot would not open after the hand-over (a leading '~'). {@code path} as James's
   * mailbox manager takes it: without a trailing delimiter (MailboxPath.sanitize).
   */
  public static void checkNew(MailboxPath path, char delimiter) throws InvalidFolderNameException {
    check(path.getName(), delimiter);
    if (path.getName().startsWith("~")) {
      // Dovecot's mailbox_list_is_valid_fs_name: its home-directory shorthand; stock Dovecot would not open the folder.
      throw InvalidFolderNameException.because("Begins with '~'");
    }
    try {
      path.assertAcceptable(delimiter);
    } catch (TooLongMailboxNameException e) {
      throw new InvalidFolderNameException("Mailbox name too long");
    } catch (MailboxNameException e) {
      String name = path.getName();
      throw InvalidFolderNameException.because(name.indexOf('%') >= 0 || name.indexOf('*') >= 0
          ? "Name must not have '%' or '*' characters" : "Begins with '#'");
    }
  }
}
