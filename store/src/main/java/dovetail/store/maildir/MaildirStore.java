package dovetail.store.maildir;

import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import java.nio.file.Path;

/** The Dovecot 2.3 Maildir++ implementation of {@link MailStore}. */
public final class MaildirStore {
  private MaildirStore() {}

  /** Opens (creating the inbox directories if needed) the store rooted at {@code root}. */
  public static MailStore open(Path root, StoreOptions options) {
    throw new UnsupportedOperationException("in progress");
  }
}
