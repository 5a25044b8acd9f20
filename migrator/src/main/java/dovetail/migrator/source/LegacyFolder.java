package dovetail.migrator.source;

import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One folder as the legacy server lists it.
 *
 * @param legacyName the name exactly as the server sent it (modified UTF-7 on a well-behaved server),
 *     one char per octet (ISO-8859-1), so that it goes back to the server unchanged. Translate it with
 *     {@link FolderNameMapper}; never show it to users as is.
 * @param separator the hierarchy separator, or {@link #NO_SEPARATOR} when the server has none (NIL)
 * @param attributes LIST attributes as sent, e.g. {@code \Noselect}, {@code \HasChildren}, and the
 *     RFC 6154 special-use ones ({@code \Sent}, {@code \Trash}, ...). A folder that only LSUB knows
 *     gets {@code \NonExistent}.
 * @param subscribed whether LSUB returned it as selectable (an LSUB {@code \Noselect} only says that a
 *     child is subscribed, as RFC 3501 6.3.9 and Dovecot's imapc-list.c read it)
 */
public record LegacyFolder(String legacyName, char separator, Set<String> attributes, boolean subscribed) {
  public static final char NO_SEPARATOR = '\0';
  public static final String NOSELECT = "\\Noselect";
  public static final String NONEXISTENT = "\\NonExistent";

  /** RFC 6154 section 2, plus Gmail's \Important (draft-ietf-... and Dovecot's imapc list flags). */
  private static final Set<String> SPECIAL_USE = Set.of(
      "\\all", "\\archive", "\\drafts", "\\flagged", "\\junk", "\\sent", "\\trash", "\\important");

  public LegacyFolder {
    Objects.requireNonNull(legacyName, "legacyName");
    TreeSet<String> copy = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    copy.addAll(attributes);
    attributes = Collections.unmodifiableSet(copy);
  }

  /** A legacy name as names compare: INBOX is case-insensitive (RFC 3501 5.1); every other name compares exactly. */
  public static String key(String legacyName) {
    return legacyName.equalsIgnoreCase("INBOX") ? "INBOX" : legacyName;
  }

  /** Whether it holds messages: neither \Noselect nor \NonExistent (attributes compare ignoring case). */
  public boolean selectable() {
    return !attributes.contains(NOSELECT) && !attributes.contains(NONEXISTENT);
  }

  /** The first RFC 6154 special-use attribute, e.g. "\Sent". */
  public Optional<String> specialUse() {
    return attributes.stream().filter(a -> SPECIAL_USE.contains(a.toLowerCase(Locale.ROOT))).findFirst();
  }
}
