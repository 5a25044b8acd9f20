package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LIST and one LSUB, and NAMESPACE first when the server offers it: folders of other users' and shared
 * namespaces are not the user's own and are left out (with one INFO line), so that they are neither created in the
 * user's store nor subscribed there. Names are kept as raw octets: Angus's ListInfo decodes modified UTF-7 and
 * loses names that are not valid, which real servers do have.
 */
final class FolderLister {
  private static final Logger LOG = LoggerFactory.getLogger(FolderLister.class);

  /** Namespaces named in the INFO line; a server has a handful. */
  private static final int MAX_NAMESPACES_LOGGED = 5;

  private FolderLister() {}

  /**
   * @param user for the log line naming what was left out
   * @param listPrefix imapc_list_prefix: what is inside it is never left out (the operator chose it)
   */
  static List<LegacyFolder> list(ImapConnection connection, String user, String listPrefix) {
    Optional<LegacyNamespaces> namespaces = namespaces(connection);
    // RFC 6154 section 5.1: RETURN (SPECIAL-USE) needs LIST-EXTENDED (RFC 5258). Servers with
    // SPECIAL-USE but without LIST-EXTENDED send the attributes on a plain LIST.
    boolean extended = connection.hasCapability("SPECIAL-USE") && connection.hasCapability("LIST-EXTENDED");
    String list = extended ? "LIST \"\" \"*\" RETURN (SPECIAL-USE)" : "LIST \"\" \"*\"";
    List<Entry> listed = parse(check(connection.run(list, null), "LIST"), "LIST", connection);
    List<Entry> lsubbed = parse(check(connection.run("LSUB \"\" \"*\"", null), "LSUB"), "LSUB", connection);

    Set<String> subscribed = new HashSet<>();
    Map<String, Entry> lsubOnly = new LinkedHashMap<>();
    for (Entry e : lsubbed) {
      // RFC 3501 6.3.9: an LSUB \Noselect only means that a child is subscribed.
      if (!e.attributes.contains(LegacyFolder.NOSELECT.toLowerCase(Locale.ROOT))) {
        subscribed.add(LegacyFolder.key(e.name));
        lsubOnly.put(LegacyFolder.key(e.name), e);
      }
    }
    List<LegacyFolder> folders = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Entry e : listed) {
      if (seen.add(LegacyFolder.key(e.name))) {
        folders.add(new LegacyFolder(e.name, e.separator, Set.copyOf(e.rawAttributes),
            subscribed.contains(LegacyFolder.key(e.name))));
        lsubOnly.remove(LegacyFolder.key(e.name));
      }
    }
    for (Entry e : lsubOnly.values()) {
      Set<String> attributes = new TreeSet<>(e.rawAttributes);
      attributes.add(LegacyFolder.NONEXISTENT);
      folders.add(new LegacyFolder(e.name, e.separator, attributes, true));
    }
    return namespaces.map(ns -> ownFolders(folders, ns, new FolderNameMapper(listPrefix), user)).orElse(folders);
  }

  /** NAMESPACE (RFC 2342) when offered; empty when not, or when the answer is a NO, BAD or unreadable. */
  static Optional<LegacyNamespaces> namespaces(ImapConnection connection) {
    if (!connection.hasCapability("NAMESPACE")) {
      return Optional.empty();
    }
    List<Response> answer = connection.run("NAMESPACE", null);
    Response last = answer.get(answer.size() - 1);
    if (!last.isOK()) {
      LOG.debug("{}: NAMESPACE refused ({}): every listed folder is taken as the user's own", connection.peer(), last);
      return Optional.empty();
    }
    for (Response r : answer) {
      if (r instanceof IMAPResponse ir && ir.isUnTagged() && ir.keyEquals("NAMESPACE")) {
        try {
          LegacyNamespaces parsed = LegacyNamespaces.parse(ir);
          if (!parsed.hasPersonal()) {
            // Review 17: a shared namespace "" would otherwise leave out every folder but INBOX.
            LOG.warn("{}: NAMESPACE names no personal namespace: every listed folder is taken as the user's own",
                connection.peer());
            return Optional.empty();
          }
          return Optional.of(parsed);
        } catch (ProtocolException e) {
          LOG.warn("{}: unreadable NAMESPACE response ({}): every listed folder is taken as the user's own",
              connection.peer(), e.getMessage());
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The folders that are the user's own: those in other users' or shared namespaces are left out, unless inside
   * imapc_list_prefix. One INFO line counts those that would have become a folder or a subscription.
   */
  private static List<LegacyFolder> ownFolders(List<LegacyFolder> folders, LegacyNamespaces namespaces,
      FolderNameMapper mapper, String user) {
    List<LegacyFolder> own = new ArrayList<>();
    Map<LegacyNamespaces.Namespace, Integer> leftOut = new HashMap<>();
    for (LegacyFolder f : folders) {
      Optional<LegacyNamespaces.Namespace> foreign = namespaces.foreign(f.legacyName());
      if (foreign.isEmpty() || mapper.insideListPrefix(f.legacyName(), f.separator())) {
        own.add(f);
      } else if (f.selectable() || f.subscribed()) {
        leftOut.merge(foreign.get(), 1, Integer::sum);
        LOG.debug("{}: legacy folder '{}' is in the {} namespace: left out", user, f.legacyName(),
            foreign.get().describe());
      }
    }
    if (!leftOut.isEmpty()) {
      int total = leftOut.values().stream().mapToInt(Integer::intValue).sum();
      StringBuilder where = new StringBuilder();
      int shown = 0;
      for (LegacyNamespaces.Namespace ns : namespaces.all()) { // in the server's order: other users, then shared
        Integer count = leftOut.get(ns);
        if (count == null) {
          continue;
        }
        if (shown++ == MAX_NAMESPACES_LOGGED) {
          where.append(", ...");
          break;
        }
        where.append(shown > 1 ? ", " : "").append(ns.describe()).append(": ").append(count);
      }
      LOG.info("{}: {} legacy folder(s) of other users' or shared namespaces left out, not migrated ({})", user,
          total, where);
    }
    return own;
  }

  /**
   * Whether LIST still shows {@code legacyName} as a selectable folder. A LIST that fails answers true: it
   * does not show that the folder is gone.
   */
  static boolean isListed(ImapConnection connection, String legacyName) {
    Argument args = new Argument();
    args.writeString("");
    args.writeString(legacyName);
    List<Response> answer = connection.run("LIST", args);
    if (!answer.get(answer.size() - 1).isOK()) {
      return true;
    }
    for (Entry e : parse(answer, "LIST", connection)) {
      if (LegacyFolder.key(e.name).equals(LegacyFolder.key(legacyName))
          && !e.attributes.contains(LegacyFolder.NOSELECT.toLowerCase(Locale.ROOT))
          && !e.attributes.contains(LegacyFolder.NONEXISTENT.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static List<Response> check(List<Response> answer, String command) {
    Response last = answer.get(answer.size() - 1);
    if (!last.isOK()) {
      throw ImapFailures.fromResponse(last, Kind.PROTOCOL, command);
    }
    return answer;
  }

  /** RFC 3501 7.2.2: mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox. */
  private static List<Entry> parse(List<Response> answer, String key, ImapConnection connection) {
    List<Entry> entries = new ArrayList<>();
    for (Response r : answer) {
      if (!(r instanceof IMAPResponse ir) || !ir.isUnTagged() || !ir.keyEquals(key)) {
        continue;
      }
      String[] attributes = ir.readSimpleList();
      ir.skipSpaces();
      char separator = LegacyFolder.NO_SEPARATOR;
      if (ir.peekByte() == '"') {
        ir.readByte();
        separator = (char) (ir.readByte() & 0xff);
        if (separator == '\\') {
          separator = (char) (ir.readByte() & 0xff);
        }
        ir.readByte(); // closing quote
      } else {
        ir.readAtom(); // NIL
      }
      String name = ir.readAtomString();
      if (name == null || name.isEmpty()) {
        LOG.warn("{}: unparsable {} response skipped", connection.peer(), key);
        continue;
      }
      entries.add(new Entry(name, separator, attributes == null ? List.of() : Arrays.asList(attributes)));
    }
    return entries;
  }


  private static final class Entry {
    final String name;
    final char separator;
    final List<String> rawAttributes;
    final Set<String> attributes = new HashSet<>();

    Entry(String name, char separator, List<String> rawAttributes) {
      this.name = name;
      this.separator = separator;
      this.rawAttributes = rawAttributes;
      rawAttributes.forEach(a -> attributes.add(a.toLowerCase(Locale.ROOT)));
    }
  }
}
