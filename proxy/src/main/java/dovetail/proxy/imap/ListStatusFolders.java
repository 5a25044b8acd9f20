package dovetail.proxy.imap;

import dovetail.store.MailStore;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.james.imap.api.display.ModifiedUtf7;
import org.apache.james.imap.message.request.ListRequest;

/**
 * The folders whose STATUS a {@code LIST ... RETURN (STATUS (...))} (RFC 5819) will report: of the given store
 * folders, those that the reference and pattern match (RFC 3501 §6.3.8: '*' matches anything, '%' anything but the
 * hierarchy delimiter; INBOX in any case). The on-access hook migrates them first, as it would for STATUS.
 *
 * <p>The reference is resolved as James 3.8.1's ListProcessor resolves it: a pattern that starts with '#' drops the
 * reference; a reference from '#' on is a path for PathConverter, whose first level must be exactly
 * {@value #PRIVATE} (the user's own folders; any other namespace is refused) and whose other levels are the prefix.
 */
final class ListStatusFolders {
  private static final String PRIVATE = "#private";

  private ListStatusFolders() {}

  /** Empty unless the request asks for STATUS. */
  static List<String> of(ListRequest list, char delimiter, List<String> storeFolders) {
    if (list.getStatusDataItems().isEmpty()) {
      return List.of();
    }
    String pattern = list.getMailboxPattern();
    String reference = pattern.startsWith("#") ? "" : list.getBaseReferenceName();
    if (reference.startsWith("#")) {
      List<String> levels = List.of(reference.split(Pattern.quote(String.valueOf(delimiter)), -1));
      if (!levels.get(0).equals(PRIVATE)) {
        return List.of(); // another namespace: James lists nothing of this user's
      }
      reference = String.join(String.valueOf(delimiter), levels.subList(1, levels.size()));
    }
    Pattern wanted;
    try {
      wanted = regex(ModifiedUtf7.decodeModifiedUTF7(reference + pattern), delimiter);
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

  private static Pattern regex(String pattern, char delimiter) {
    StringBuilder r = new StringBuilder();
    StringBuilder literal = new StringBuilder();
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
