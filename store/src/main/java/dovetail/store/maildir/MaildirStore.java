package dovetail.store.maildir;

import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import java.nio.file.Path;

/** The Dovecot 2.3 Maildir++ implementation of {@link MailStore}; everything else in this package is private. */
public final class MaildirStore {
  private MaildirStore() {}

  /** Opens (creating the inbox directories if needed) the store rooted at {@code root}. */
  public static MailStore open(Path root, StoreOptions options) {
    return new MaildirMailStore(root, options);
  }

  /** Opens the store of {@code user} under {@code mail_location}. */
  public static MailStore forUser(MailLocation location, String user, StoreOptions options) {
    return open(location.rootFor(user), options);
  }
}
