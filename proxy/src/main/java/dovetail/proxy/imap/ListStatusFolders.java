package dovetail.proxy.imap;

import dovetail.store.MailStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.james.imap.api.display.ModifiedUtf7;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.ListRequest;

/**
 * The folders whose STATUS a {@code LIST ... RETURN (STATUS (...))} (RFC 5819) will report: of the given store
 * folders, those that the reference and pattern match (RFC 3501 §6.3.8: '*' matches anything, '%' anything but the
 * hierarchy delimiter; INBOX in any case). The on-access hook migrates them first, as it would for STATUS.
 *
 * <p>As James 3.8.1's ListProcessor: an empty pattern lists no folder; a pattern that starts with '#' drops the
 * reference (and, matched literally, finds nothing here); the reference is resolved like any folder name
 * ({@link MigrateOnAccess#ownName}) and the pattern applies below it. (ListProcessor takes a reference that does not
 * start with '#' as it is; PathConverter differs from that only in the case of INBOX, which matching ignores.)
 */
final class ListStatusFolders {
  private ListStatusFolders() {}

  /** Empty unless the request asks for STATUS. */
  static List<String> of(ListRequest list, ImapSession session, List<String> storeFolders) {
    String pattern = list.getMailboxPattern();
    if (list.getStatusDataItems().isEmpty() || pattern.isEmpty()) {
      return List.of();
    }
    String reference = pattern.startsWith("#") ? "" : list.getBaseReferenceName();
    char delimiter = session.getMailboxSession().getPathDelimiter();
    Pattern wanted;
    try {
      Optional<String> base = MigrateOnAccess.ownName(session, ModifiedUtf7.decodeModifiedUTF7(reference));
      if (base.isEmpty()) {
        return List.of(); // another namespace: James lists nothing of this user's
      }
      wanted = regex(base.get(), ModifiedUtf7.decodeModifiedUTF7(pattern), delimiter);
    } catch (Error | RuntimeException e) {
      return List.of(); // not valid modified UTF-7: LIST matches nothing (ListPatternGuard)
    }
    List<String> out = new ArrayList<>();
    for (String folder : storeFolders) {
      String name = folder.replace(MailStore.SEPARATOR, delimiter);
      if (wanted.matcher(name).matches()) {
        out.add(folder);
      }
    }
    return out;
  }

  /** {@code prefix} as it is (James's PrefixedRegex), then {@code pattern} with its wildcards. */
  private static Pattern regex(String prefix, String pattern, char delimiter) {
    StringBuilder r = new StringBuilder();
    StringBuilder literal = new StringBuilder(prefix);
    for (char c : pattern.toCharArray()) {
      if (c == '*' || c == '%') {
        r.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
        r.append(c == '*' ? ".*" : "[^" + Pattern.quote(String.valueOf(delimiter)) + "]*");
      } else {
        literal.append(c);
      }
    }
    r.append(Pattern.quote(literal.toString()));
    // Without case, so that INBOX matches however it is written; another folder that differs only in case is
    // matched too, and is only migrated a little before the sweeper would have.
    return Pattern.compile(r.toString(), Pattern.DOTALL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }
}
