package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import jakarta.mail.Flags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * {@code UID FETCH n:* (UID FLAGS INTERNALDATE RFC822.SIZE)}, read response by response so that a
 * folder of 100,000 messages never sits in memory as 100,000 raw responses. The usual answers are
 * read by {@link MetadataParser}; Angus parses the rest.
 */
final class MetadataFetcher {
  private MetadataFetcher() {}

  static List<LegacyMessageInfo> fetch(ImapConnection connection, long fromUid, boolean withSize) {
    long from = Math.max(1, fromUid);
    String items = withSize ? "(UID FLAGS INTERNALDATE RFC822.SIZE)" : "(UID FLAGS INTERNALDATE)";
    String tag = connection.send("UID FETCH " + from + ":* " + items, null);
    MetadataParser lean = new MetadataParser(withSize);
    List<LegacyMessageInfo> infos = new ArrayList<>();
    List<String> unparsed = new ArrayList<>();
    while (true) {
      ByteArray raw = connection.readRaw();
      LegacyMessageInfo info = lean.parse(raw);
      Response r = info == null ? connection.parse(raw) : null;
      if (r != null && r.isTagged() && tag.equals(r.getTag())) {
        if (!r.isOK()) {
          throw ImapFailures.fromResponse(r, Kind.PROTOCOL, "UID FETCH metadata");
        }
        if (!unparsed.isEmpty()) {
          // Loud, not silent: a message without metadata would otherwise never be migrated.
          throw new LegacyException(Kind.PROTOCOL, "UID FETCH metadata: unparsable responses: " + unparsed);
        }
        return byUid(infos);
      }
      if (r instanceof UnparsedFetch u && (u.uid() < 0 || u.uid() >= from)) {
        unparsed.add("UID " + u.uid() + " (" + u.reason() + ")");
      } else if (r instanceof FetchResponse f) {
        info = toInfo(f, withSize);
      }
      // RFC 3501 6.4.8: "n:*" always includes the highest UID, even when it is below n.
      if (info != null && info.uid() >= from) {
        infos.add(info);
      }
    }
  }

  /** In UID order, one per UID (the last one sent wins). Servers answer in order already. */
  private static List<LegacyMessageInfo> byUid(List<LegacyMessageInfo> infos) {
    infos.sort(Comparator.comparingLong(LegacyMessageInfo::uid)); // stable, linear on sorted input
    List<LegacyMessageInfo> result = new ArrayList<>(infos.size());
    for (LegacyMessageInfo info : infos) {
      if (!result.isEmpty() && result.get(result.size() - 1).uid() == info.uid()) {
        result.set(result.size() - 1, info);
      } else {
        result.add(info);
      }
    }
    return result;
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
