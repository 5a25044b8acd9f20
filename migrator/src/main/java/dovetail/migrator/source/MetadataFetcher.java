package dovetail.migrator.source;

import dovetail.migrator.source.LegacyException.Kind;
import jakarta.mail.Flags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code UID FETCH n:* (UID FLAGS INTERNALDATE RFC822.SIZE)}, read response by response so that a
 * folder of 100,000 messages never sits in memory as 100,000 raw responses. The usual answers are
 * read by {@link MetadataParser}; Angus parses the rest.
 */
final class MetadataFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataFetcher.class);

  private MetadataFetcher() {}

  static List<LegacyMessageInfo> fetch(ImapConnection connection, long fromUid, boolean withSize) {
    long from = Math.max(1, fromUid);
    String items = withSize ? "(UID FLAGS INTERNALDATE RFC822.SIZE)" : "(UID FLAGS INTERNALDATE)";
    String tag = connection.send("UID FETCH " + from + ":* " + items, null);
    MetadataParser lean = new MetadataParser(withSize);
    List<LegacyMessageInfo> infos = new ArrayList<>();
    List<String> unparsed = new ArrayList<>();
    Map<Long, Pieces> pieces = new HashMap<>();
    long lastNumber = -1;
    int outOfOrder = 0;
    while (true) {
      ByteArray raw = connection.readRaw();
      LegacyMessageInfo info = lean.parse(raw);
      long number = info == null ? -1 : lean.messageNumber();
      Response r = info == null ? connection.parse(raw) : null;
      if (r != null && r.isTagged() && tag.equals(r.getTag())) {
        if (!r.isOK()) {
          throw ImapFailures.fromResponse(r, Kind.PROTOCOL, "UID FETCH metadata");
        }
        if (!pieces.isEmpty()) {
          assemble(pieces, infos, unparsed, withSize);
        }
        if (!unparsed.isEmpty()) {
          // Loud, not silent: a message without metadata would otherwise never be migrated.
          throw new LegacyException(Kind.PROTOCOL, "UID FETCH metadata: unparsable responses: " + unparsed);
        }
        if (outOfOrder > 0) {
          LOG.warn("{}: UID FETCH metadata: {} answers came out of UID order (a broken server); sorted",
              connection.peer(), outOfOrder);
        }
        return byUid(infos);
      }
      if (r instanceof UnparsedFetch u && (u.uid() < 0 || u.uid() >= from)) {
        unparsed.add("UID " + u.uid() + " (" + u.reason() + ")");
      } else if (r instanceof FetchResponse f) {
        info = toInfo(f, withSize);
        number = f.getNumber();
        UID uid = f.getItem(UID.class);
        if (info == null && uid != null && uid.uid >= from) {
          // A reply to us (it has the UID) without all we asked for: kept, never dropped as if unsolicited.
          pieces.computeIfAbsent(uid.uid, u -> new Pieces()).add(f);
        }
      }
      // RFC 3501 6.4.8: "n:*" always includes the highest UID, even when it is below n.
      if (info != null && info.uid() >= from) {
        LegacyMessageInfo previous = infos.isEmpty() ? null : infos.get(infos.size() - 1);
        if (previous != null && previous.uid() == info.uid() && number == lastNumber) {
          infos.set(infos.size() - 1, info); // the same message answered again: its later answer
        } else {
          outOfOrder += previous != null && info.uid() < previous.uid() ? 1 : 0;
          infos.add(info);
        }
        lastNumber = number;
      }
    }
  }

  /**
   * In UID order, one per UID. Servers answer in order already. Two answers for one UID that the server
   * gave from different message numbers are two messages under one UID (a broken server): the first listed is
   * kept, and counted as having duplicates, so that the caller reports the others instead of losing them unsaid.
   */
  private static List<LegacyMessageInfo> byUid(List<LegacyMessageInfo> infos) {
    infos.sort(Comparator.comparingLong(LegacyMessageInfo::uid)); // stable, linear on sorted input
    List<LegacyMessageInfo> result = new ArrayList<>(infos.size());
    for (LegacyMessageInfo info : infos) {
      int last = result.size() - 1;
      if (last >= 0 && result.get(last).uid() == info.uid()) {
        result.set(last, result.get(last).withDuplicates(result.get(last).duplicates() + 1));
      } else {
        result.add(info);
      }
    }
    return result;
  }

  /**
   * The replies that carried a UID but not every item: a UID that also had a whole reply is complete (the
   * piece was a flag update); else a reply split over several FETCH responses is merged; a UID that still lacks
   * an item is unparsable, reported like any other, so that the message is not silently missing.
   */
  private static void assemble(Map<Long, Pieces> pieces, List<LegacyMessageInfo> infos, List<String> unparsed,
      boolean withSize) {
    Set<Long> whole = new HashSet<>();
    infos.forEach(i -> whole.add(i.uid()));
    for (Map.Entry<Long, Pieces> e : pieces.entrySet()) {
      if (whole.contains(e.getKey())) {
        continue;
      }
      Pieces p = e.getValue();
      LegacyMessageInfo merged = toInfo(e.getKey(), p.flags, p.date, p.size, withSize);
      if (merged != null) {
        infos.add(merged);
      } else {
        unparsed.add("UID " + e.getKey() + " (the reply lacks" + (p.flags == null ? " FLAGS" : "")
            + (p.date == null ? " INTERNALDATE" : "") + (withSize && p.size == null ? " RFC822.SIZE" : "") + ")");
      }
    }
  }

  /** The items of one UID's replies so far, the last one sent of each. */
  private static final class Pieces {
    FLAGS flags;
    INTERNALDATE date;
    RFC822SIZE size;

    void add(FetchResponse f) {
      flags = f.getItem(FLAGS.class) != null ? f.getItem(FLAGS.class) : flags;
      date = f.getItem(INTERNALDATE.class) != null ? f.getItem(INTERNALDATE.class) : date;
      size = f.getItem(RFC822SIZE.class) != null ? f.getItem(RFC822SIZE.class) : size;
    }
  }

  /** Null when the reply lacks the UID (an unsolicited flag change announced by the server) or one of our items. */
  private static LegacyMessageInfo toInfo(FetchResponse f, boolean withSize) {
    UID uid = f.getItem(UID.class);
    return uid == null ? null : toInfo(uid.uid, f.getItem(FLAGS.class), f.getItem(INTERNALDATE.class),
        f.getItem(RFC822SIZE.class), withSize);
  }

  private static LegacyMessageInfo toInfo(long uid, FLAGS flags, INTERNALDATE date, RFC822SIZE size, boolean withSize) {
    if (flags == null || date == null || (withSize && size == null)) {
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
    return new LegacyMessageInfo(uid, system, keywords, date.getDate().toInstant(),
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
