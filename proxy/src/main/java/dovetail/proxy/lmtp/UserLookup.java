package dovetail.proxy.lmtp;

import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import dovetail.store.MailLocation;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.james.core.MailAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Dovetail user an LMTP recipient is. The full address is tried first, then its local part (as Dovecot's
 * {@code auth_username_format} often strips the domain); a recipient written without a domain
 * ({@link LocalPartRecipients}) is its local part only, as the same name at a login is. Then the same without the
 * address's detail ({@code dave+news@} is {@code dave}, {@code recipient_delimiter}), delivered to INBOX as Dovecot's
 * LMTP does by default (lmtp_save_to_detail_mailbox = no): such mail was refused with 5.1.1, a permanent bounce. A user is known when the store has one, the passwd-file
 * lists one, or the legacy server lets the master user in as that user (the skeleton is built then, which is the
 * first step of that user's migration anyway).
 */
final class UserLookup {
  private static final Logger LOG = LoggerFactory.getLogger(UserLookup.class);
  /** Names that stay inside mail_location's directory and mean the same to every MTA. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_+=-][A-Za-z0-9._+=-]*(@[A-Za-z0-9.-]+)?");

  enum Verdict { KNOWN, UNKNOWN, TEMPORARY }

  record Result(Verdict verdict, String user, String detail) {}

  private final MailLocation location;
  private final Predicate<String> passwdUsers;
  private final Optional<Migrations> migrations;
  private final String delimiters;

  /** @param delimiters recipient_delimiter: each character starts an address's detail; empty: none */
  UserLookup(MailLocation location, Predicate<String> passwdUsers, Optional<Migrations> migrations, String delimiters) {
    this.location = location;
    this.passwdUsers = passwdUsers;
    this.migrations = migrations;
    this.delimiters = delimiters;
  }

  /** The local part up to its first delimiter ({@code dave+news} is {@code dave}); the whole of it when it has none. */
  private String withoutDetail(String local) {
    for (int i = 0; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return local.substring(0, i);
      }
    }
    return local;
  }

  /**
   * {@code "alice"} is alice (RFC 5321 §4.1.2: a quoted local part names the same mailbox as its unquoted form), as
   * Dovecot's LMTP takes it; the quoted pair {@code \x} is x. What quoting alone allows is still refused below.
   */
  static String unquoted(String local) {
    if (local.length() < 2 || local.charAt(0) != '"' || local.charAt(local.length() - 1) != '"') {
      return local;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < local.length() - 1; i++) {
      char c = local.charAt(i);
      if (c == '\\' && i + 1 < local.length() - 1) {
        c = local.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  Result find(MailAddress address) {
    List<String> candidates = new ArrayList<>();
    String local = MailLocation.canonicalUser(unquoted(address.getLocalPart()));
    String domain = "@" + MailLocation.canonicalUser(address.getDomain().asString());
    boolean localOnly = LocalPartRecipients.isLocalPartOnly(address);
    // A user whose name holds the delimiter (a passwd-file "a+b") is found before the detail is taken off.
    for (String part : List.of(local, withoutDetail(local))) {
      for (String c : localOnly ? List.of(part) : List.of(part + domain, part)) {
        // No user can have a name the store refuses (longer than 255 characters: it was a 451 and a stack trace).
        if (!part.isEmpty() && SAFE.matcher(c).matches() && !c.contains("..") && !candidates.contains(c)
            && MailLocation.userNameProblem(c).isEmpty()) {
          candidates.add(c);
        }
      }
    }
    // The passwd-file names users; a store directory only suggests one: with mail_location's %n, the full address
    // and its local part share a directory, and the user must be the same one at every delivery (one lock, one spool).
    for (String c : candidates) {
      if (passwdUsers.test(c)) {
        return new Result(Verdict.KNOWN, c, "");
      }
    }
    for (String c : candidates) {
      if (Files.isDirectory(location.rootFor(c))) {
        return new Result(Verdict.KNOWN, c, "");
      }
    }
    if (migrations.isEmpty()) {
      return new Result(Verdict.UNKNOWN, null, "no such user");
    }
    String temporary = null;
    for (String c : candidates) {
      try {
        migrations.get().ensureSkeleton(c);
        return new Result(Verdict.KNOWN, c, "");
      } catch (MigrationUnavailableException e) {
        // A login the legacy server answered with NO, while the master user is shown to work (now): that user does
        // not exist there. Anything else (unreachable, throttled, shutting down, a master password that may be wrong)
        // is temporary: a permanent 5xx would bounce mail that a fixed setting would have delivered.
        if (!migrations.get().refusalMeansNoAccount(c, e)) {
          temporary = e.getMessage();
        }
        LOG.debug("{}: not verified on the legacy server: {}", c, e.getMessage());
      } catch (RuntimeException e) {
        temporary = e.toString();
        LOG.warn("{}: cannot verify the user: {}", c, e.toString());
      }
    }
    return temporary != null
        ? new Result(Verdict.TEMPORARY, null, "cannot verify the user now")
        : new Result(Verdict.UNKNOWN, null, "no such user");
  }
}
