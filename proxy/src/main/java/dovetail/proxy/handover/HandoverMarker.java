package dovetail.proxy.handover;

import dovetail.store.MailLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file the handover script leaves in each Maildir it handed over to stock Dovecot. Dovetail then neither serves
 * that store nor migrates into it: what Dovecot wrote since would be mixed with the legacy mail (walk-through 20, F1:
 * messages the user had expunged came back, twice for moved ones, with the legacy flags; F2: mod-sequences went
 * below what Dovecot had shown). Its name survives the runbook's removal of {@code dovetail-*} files, and Dovecot
 * ignores a file in the Maildir's root.
 */
public final class HandoverMarker {
  public static final String FILE = "handed-over-by-dovetail";

  private HandoverMarker() {}

  /** Why the user's store must not be served or migrated into by Dovetail; empty when it was not handed over. */
  public static Optional<String> refusal(MailLocation location, String user) {
    Path marker = location.rootFor(user).resolve(FILE);
    if (!Files.isRegularFile(marker)) {
      return Optional.empty();
    }
    String what;
    try {
      what = Files.readString(marker, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      what = "handed over to stock Dovecot";
    }
    return Optional.of(user + ": the store was " + what + " (" + marker + "): Dovetail does not serve it or migrate"
        + " into it, as what Dovecot wrote since would be mixed with the legacy mail (README, cut-over step 10)");
  }
}
