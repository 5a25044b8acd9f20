package dovetail.migrator.copy;

import dovetail.migrator.source.BodyConsumer;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import dovetail.store.UidlFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving messages to a new UID when a UID names two different messages (dsync's rule, Dovecot's
 * dsync-mailbox-import.c: both sides of a UID conflict are renumbered, so that no UID ever names two messages for a
 * client that cached either server's view). Shared by {@link LateMailMerge} (late legacy mail whose UID a local
 * delivery took) and {@link FolderMigration} (messages another program, e.g. a Dovecot on the same store, stored in a
 * folder while it was being migrated).
 *
 * <p>Both steps are crash-safe through one pending note in the folder's state, written before the commit:
 * {@code renumber <oldUid> <newUid>} and {@code late <legacyUid> <localUid>}. The copy always commits first, so a kill
 * leaves two copies, never none; the caller settles the note on its next run.
 *
 * <p><b>POP3 UIDLs</b> (RFC 1939: a unique-id names one message, for good). A moved message keeps the UIDL it showed:
 * when its new UID or file would change it ({@code pop3_uidl_format} with {@code %u}, {@code %f} or {@code %g}, or an
 * empty {@code P}), the copy stores it as {@code P}, which Dovecot serves too. A legacy message stored under another
 * UID gets its legacy UIDL only if no message here shows or showed it ({@link #legacyUidl}).
 */
final class Renumbering {
  private static final Logger LOG = LoggerFactory.getLogger(Renumbering.class);
  static final String RENUMBER = "renumber";
  static final String LEGACY = "late";

  /** A step a kill interrupted: {@code kind from to}. */
  record Pending(String kind, long from, long to) {}

  /** A legacy message copied: where it went and its length; or why not (length -1). */
  record Copied(long uid, long bytes, String failure, boolean goneFromLegacy) {}

  private final Mailbox mailbox;
  private final UidlFormat uidlFormat;
  private final String pendingKey;
  private final Consumer<Map<String, String>> record;

  /**
   * @param uidlFormat {@code pop3_uidl_format}: the UIDL of a message without {@code P}
   * @param pendingKey the state key of the pending note (each caller has its own)
   * @param record merges updates into the folder's state (null values remove keys), with the caller's stamp
   */
  Renumbering(Mailbox mailbox, UidlFormat uidlFormat, String pendingKey, Consumer<Map<String, String>> record) {
    this.mailbox = mailbox;
    this.uidlFormat = uidlFormat;
    this.pendingKey = pendingKey;
    this.record = record;
  }

  /** The note a kill left, if any (a malformed one is dropped). */
  Optional<Pending> pending() {
    String note = mailbox.dovetailState().get(pendingKey);
    if (note == null || note.isBlank()) {
      return Optional.empty();
    }
    String[] p = note.trim().split(" ");
    long a = p.length == 3 ? MigrationState.number(p[1]) : -1;
    long b = p.length == 3 ? MigrationState.number(p[2]) : -1;
    if (a <= 0 || b <= 0 || !(p[0].equals(RENUMBER) || p[0].equals(LEGACY))) {
      clear();
      return Optional.empty();
    }
    return Optional.of(new Pending(p[0], a, b));
  }

  void clear() {
    Map<String, String> m = new HashMap<>();
    m.put(pendingKey, null);
    record.accept(m);
  }

  /**
   * Gives a local message a new UID: a copy under the next UID with the same bytes, flags, date, POP3 UIDL and order,
   * then the old UID expunged. Records that named the old UID as where a legacy message went now name the new one.
   *
   * @param after state updates written together with the end of the step
   * @return the new UID
   */
  long renumber(StoredMessage old, Map<String, String> after) {
    return renumber(old, after, true);
  }

  /**
   * As {@link #renumber(StoredMessage, Map)}; without {@code keepUidl} the copy shows a new UIDL, its file name (an
   * empty {@code P}, as Dovecot serves it): for a UIDL that another server showed for another message. Not
   * {@code pop3_uidl_format} at the new UID: the legacy server shows that one for its next message, which would
   * clash again.
   */
  long renumber(StoredMessage old, Map<String, String> after, boolean keepUidl) {
    long fresh = mailbox.status().nextUid();
    String uidl = keepUidl ? keptUidl(old, fresh) : "";
    record.accept(Map.of(pendingKey, RENUMBER + " " + old.uid() + " " + fresh));
    MessageMeta meta = new MessageMeta(fresh, old.internalDate(), old.flags(), uidl, old.pop3Order());
    try (InputStream in = mailbox.openContent(old.uid())) {
      mailbox.append(meta, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    finishRenumber(old.uid(), fresh, after);
    return fresh;
  }

  /** The {@code P} that makes a copy of {@code old} under {@code fresh} show {@code old}'s UIDL; null if it does anyway. */
  private String keptUidl(StoredMessage old, long fresh) {
    String shown = uidl(old);
    if (old.pop3Uidl() == null && shown.equals(uidlFormat.forUid(uidValidity(), fresh))) {
      return null; // e.g. a format without %u, %f and %g
    }
    return shown;
  }

  /** The UIDL a POP3 server shows for {@code m}. */
  String uidl(StoredMessage m) {
    return uidlFormat.uidl(uidValidity(), m);
  }

  /**
   * Every UIDL that the folder's messages show now and, when UID {@code legacyUid} is below the next UID but empty,
   * the one a message there without {@code P} showed: what a legacy message that lands elsewhere must not take. Read
   * before anything is moved.
   */
  Set<String> uidlsInUse(long legacyUid) {
    Set<String> used = new HashSet<>();
    for (StoredMessage m : mailbox.messages()) {
      used.add(uidl(m));
    }
    String former = uidlFormat.forUid(uidValidity(), legacyUid);
    if (former != null && legacyUid < mailbox.status().nextUid() && mailbox.message(legacyUid).isEmpty()) {
      used.add(former); // an expunged message may have shown it
    }
    return used;
  }

  /**
   * Whether the legacy message at {@code legacyUid} showed, on the legacy server, the UIDL that {@code occupant} shows
   * here: its legacy UIDL, or without one {@code pop3_uidl_format} at its legacy UID (Dovetail's assumption for
   * migrated mail).
   */
  boolean sameUidl(StoredMessage occupant, long legacyUid, Pop3Uidls.Uidl legacy) {
    String theirs = legacy != null ? legacy.uidl() : uidlFormat.forUid(uidValidity(), legacyUid);
    return uidl(occupant).equals(theirs);
  }

  /**
   * The POP3 UIDL of a legacy message stored under {@code meta.uid()}, not its legacy UID: its legacy UIDL unless a
   * message here shows or showed it ({@code used}, from {@link #uidlsInUse}); else {@code pop3_uidl_format} at the new
   * UID, or, if even that is in use, its base filename (an empty {@code P}, Dovecot's fallback), which is unique.
   */
  MessageMeta legacyUidl(MessageMeta meta, Pop3Uidls.Uidl legacy, Set<String> used) {
    if (legacy != null && !used.contains(legacy.uidl())) {
      return meta.withPop3(legacy.uidl(), legacy.order());
    }
    long order = legacy == null ? 0 : legacy.order();
    String own = uidlFormat.forUid(uidValidity(), meta.uid());
    String uidl = own != null && used.contains(own) ? "" : null;
    if (legacy != null) {
      LOG.warn("{}: the legacy POP3 UIDL {} of the message stored as UID {} names another message here; it gets {}",
          mailbox.name(), legacy.uidl(), meta.uid(), uidl != null ? "its file name as UIDL"
              : own != null ? "UIDL " + own : "pop3_uidl_format of its new file");
    }
    return uidl == null && order == 0 ? meta : meta.withPop3(uidl, order);
  }

  private long uidValidity() {
    return mailbox.status().uidValidity();
  }

  /** Settles a {@code renumber} note: finishes it when its copy committed; true when it did. */
  boolean settleRenumber(Pending p, Map<String, String> after) {
    if (!p.kind().equals(RENUMBER)) {
      return false;
    }
    if (isCopyOf(p.to(), p.from())) {
      finishRenumber(p.from(), p.to(), after);
      return true;
    }
    clear();
    return false;
  }

  private void finishRenumber(long oldUid, long newUid, Map<String, String> after) {
    mailbox.expunge(List.of(oldUid));
    Map<String, String> updates = movedReferences(mailbox.dovetailState(), oldUid, newUid);
    updates.putAll(after);
    updates.put(pendingKey, null);
    record.accept(updates);
  }

  /**
   * Copies a legacy message under UID {@code meta.uid()} (the folder's next UID), in its own commit, with the note
   * {@code late <legacyUid> <uid>} written before it.
   */
  Copied copyLegacy(LegacyImapSession session, String legacyName, LegacyMessageInfo info, MessageMeta meta) {
    record.accept(Map.of(pendingKey, LEGACY + " " + info.uid() + " " + meta.uid()));
    long[] length = {-1};
    String[] failure = {null};
    try (MailboxTransaction tx = mailbox.begin()) {
      session.fetchBodies(legacyName, List.of(info.uid()), new BodyConsumer() {
        @Override
        public void accept(long uid, InputStream body) throws IOException {
          SourceStream in = new SourceStream(body);
          tx.add(meta, in);
          length[0] = in.count();
        }

        @Override
        public void failed(long uid, String reason) {
          failure[0] = reason;
        }
      });
      if (length[0] < 0) {
        boolean gone = !stillOnLegacy(session, legacyName, info.uid());
        return new Copied(meta.uid(), -1, failure[0] == null ? "no body" : failure[0], gone);
      }
      tx.commit();
    }
    return new Copied(meta.uid(), length[0], null, false);
  }

  /** Whether a {@code late} note's copy landed: the message at its UID has the legacy date and size. */
  boolean landed(Pending p, LegacyMessageInfo info) {
    Optional<StoredMessage> stored = mailbox.message(p.to());
    return p.kind().equals(LEGACY) && p.from() == info.uid() && stored.isPresent()
        && stored.get().internalDate().getEpochSecond() == info.internalDate().getEpochSecond()
        && (info.rfc822Size() < 0 || info.rfc822Size() == stored.get().virtualSize());
  }

  /**
   * Whether UID {@code copy} holds the renumbering's copy of UID {@code original}, and not a delivery that took the
   * UID before the copy could (the append then failed, and the note stayed). With the original already expunged, a
   * message at {@code copy} is taken as the copy, as the expunge only follows it.
   */
  boolean isCopyOf(long copy, long original) {
    Optional<StoredMessage> c = mailbox.message(copy);
    Optional<StoredMessage> o = mailbox.message(original);
    if (c.isEmpty() || o.isEmpty()) {
      return c.isPresent();
    }
    if (!c.get().internalDate().equals(o.get().internalDate()) || c.get().size() != o.get().size()) {
      return false;
    }
    try (InputStream x = mailbox.openContent(copy); InputStream y = mailbox.openContent(original)) {
      return sameBytes(x, y);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether two streams hold the same bytes (both are read to the first difference). */
  static boolean sameBytes(InputStream x, InputStream y) throws IOException {
    byte[] bx = new byte[8192];
    byte[] by = new byte[8192];
    for (int n = -1; n != 0; ) {
      n = x.readNBytes(bx, 0, bx.length);
      if (y.readNBytes(by, 0, by.length) != n || !Arrays.equals(bx, 0, n, by, 0, n)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The updates that make every {@link LateMailState#MOVED_PREFIX} record naming UID {@code from} name {@code to}: a
   * legacy message that was moved once and whose new UID a later move took keeps being found by {@code verify}.
   */
  static Map<String, String> movedReferences(Map<String, String> state, long from, long to) {
    Map<String, String> updates = new HashMap<>();
    String old = Long.toString(from);
    state.forEach((key, value) -> {
      if (key.startsWith(LateMailState.MOVED_PREFIX)) {
        String[] uids = value.trim().split(" ");
        boolean changed = false;
        for (int i = 0; i < uids.length; i++) {
          if (uids[i].equals(old)) {
            uids[i] = Long.toString(to);
            changed = true;
          }
        }
        if (changed) {
          updates.put(key, String.join(" ", uids));
        }
      }
    });
    return updates;
  }

  static boolean stillOnLegacy(LegacyImapSession session, String legacyName, long uid) {
    List<LegacyMessageInfo> from = session.fetchMetadata(legacyName, uid);
    return !from.isEmpty() && from.get(0).uid() == uid;
  }

}
