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
 */
final class ListStatusFolders {
  private ListStatusFolders() {}

  /** Empty unless the request asks for STATUS. */
  static List<String> of(ListRequest list, char delimiter, List<String> storeFolders) {
    if (list.getStatusDataItems().isEmpty()) {
      return List.of();
    }
    Pattern wanted;
    try {
      wanted = regex(ModifiedUtf7.decodeModifiedUTF7(list.getBaseReferenceName() + list.getMailboxPattern()),
          delimiter);
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
