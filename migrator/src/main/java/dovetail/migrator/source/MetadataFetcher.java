package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import jakarta.mail.Flags;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * {@code UID FETCH n:* (UID FLAGS INTERNALDATE RFC822.SIZE)}, read response by response so that a
 * folder of 100,000 messages never sits in memory as 100,000 raw responses.
 */
final class MetadataFetcher {
  private MetadataFetcher() {}

  static List<LegacyMessageInfo> fetch(ImapConnection connection, long fromUid, boolean withSize) {
    long from = Math.max(1, fromUid);
    String items = withSize ? "(UID FLAGS INTERNALDATE RFC822.SIZE)" : "(UID FLAGS INTERNALDATE)";
    String tag = connection.send("UID FETCH " + from + ":* " + items, null);
    TreeMap<Long, LegacyMessageInfo> byUid = new TreeMap<>();
    List<String> unparsed = new ArrayList<>();
    while (true) {
      Response r = connection.read();
      if (r.isTagged() && tag.equals(r.getTag())) {
        if (!r.isOK()) {
          throw ImapFailures.fromResponse(r, Kind.PROTOCOL, "UID FETCH metadata");
        }
        if (!unparsed.isEmpty()) {
          // Loud, not silent: a message without metadata would otherwise never be migrated.
          throw new LegacyException(Kind.PROTOCOL, "UID FETCH metadata: unparsable responses: " + unparsed);
        }
        return new ArrayList<>(byUid.values());
      }
      if (r instanceof UnparsedFetch u && (u.uid() < 0 || u.uid() >= from)) {
        unparsed.add("UID " + u.uid() + " (" + u.reason() + ")");
      } else if (r instanceof FetchResponse f) {
        LegacyMessageInfo info = toInfo(f, withSize);
        // RFC 3501 6.4.8: "n:*" always includes the highest UID, even when it is below n.
        if (info != null && info.uid() >= from) {
          byUid.put(info.uid(), info);
        }
      }
    }
  }

  /** Null for an unsolicited FETCH (a flag change announced by the server) that lacks our items. */
  private static LegacyMessageInfo toInfo(FetchResponse f, boolean withSize) {
    UID uid = f.getItem(UID.class);
    FLAGS flags = f.getItem(FLAGS.class);
    INTERNALDATE date = f.getItem(INTERNALDATE.class);
    RFC822SIZE size = f.getItem(RFC822SIZE.class);
    if (uid == null || flags == null || date == null || (withSize && size == null)) {
      return null;
    }
    Set<String> system = new HashSet<>();
    for (Flags.Flag flag : flags.getSystemFlags()) {
      String name = systemName(flag);
      if (name != null) {
        system.add(name);
      }
    }
    Set<String> keywords = new HashSet<>();
    for (String user : flags.getUserFlags()) {
      // Angus files unknown backslash flags as user flags; they are system-flag syntax, keep them there.
      (user.startsWith("\\") ? system : keywords).add(user);
    }
    return new LegacyMessageInfo(uid.uid, system, keywords, date.getDate().toInstant(),
        withSize ? size.size : LegacyMessageInfo.SIZE_UNKNOWN);
  }

  /** \Recent is per session (RFC 3501 2.3.2) and never copied; USER is Angus's "keywords allowed" marker. */
  private static String systemName(Flags.Flag flag) {
    if (flag == Flags.Flag.SEEN) {
      return "\\Seen";
    } else if (flag == Flags.Flag.ANSWERED) {
      return "\\Answered";
    } else if (flag == Flags.Flag.FLAGGED) {
      return "\\Flagged";
    } else if (flag == Flags.Flag.DELETED) {
      return "\\Deleted";
    } else if (flag == Flags.Flag.DRAFT) {
      return "\\Draft";
    }
    return null;
  }
}
