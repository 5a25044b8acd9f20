package dovetail.migrator.copy;

import dovetail.migrator.source.BodyConsumer;
import dovetail.migrator.source.LegacyImapSession;
import dovetail.migrator.source.LegacyMessageInfo;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

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
 */
final class Renumbering {
  static final String RENUMBER = "renumber";
  static final String LEGACY = "late";

  /** A step a kill interrupted: {@code kind from to}. */
  record Pending(String kind, long from, long to) {}

  /** A legacy message copied: where it went and its length; or why not (length -1). */
  record Copied(long uid, long bytes, String failure, boolean goneFromLegacy) {}

  private final Mailbox mailbox;
  private final String pendingKey;
  private final Consumer<Map<String, String>> record;

  /**
   * @param pendingKey the state key of the pending note (each caller has its own)
   * @param record merges updates into the folder's state (null values remove keys), with the caller's stamp
   */
  Renumbering(Mailbox mailbox, String pendingKey, Consumer<Map<String, String>> record) {
    this.mailbox = mailbox;
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
    long a = p.length == 3 ? number(p[1]) : -1;
    long b = p.length == 3 ? number(p[2]) : -1;
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
   * Gives a local message a new UID: a copy under the next UID with the same bytes, flags, date and POP3 identity, then
   * the old UID expunged. Records that named the old UID as where a legacy message went now name the new one.
   *
   * @param after state updates written together with the end of the step
   * @return the new UID
   */
  long renumber(StoredMessage old, Map<String, String> after) {
    long fresh = mailbox.status().nextUid();
    record.accept(Map.of(pendingKey, RENUMBER + " " + old.uid() + " " + fresh));
    MessageMeta meta = new MessageMeta(fresh, old.internalDate(), old.flags(), old.pop3Uidl(), old.pop3Order());
    try (InputStream in = mailbox.openContent(old.uid())) {
      mailbox.append(meta, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    finishRenumber(old.uid(), fresh, after);
    return fresh;
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

  static long number(String s) {
    try {
      return s == null ? -1 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
