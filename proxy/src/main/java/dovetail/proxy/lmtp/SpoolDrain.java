package dovetail.proxy.lmtp;

import dovetail.store.Flags;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoredMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Appends a user's spooled messages to INBOX, oldest first, with the folder's next UIDs (at or above the legacy
 * UIDNEXT, since the migration left NEXTUID there). Crash-safe without duplicates:
 *
 * <ol>
 *   <li>before a batch, a marker names its files and INBOX's NEXTUID;</li>
 *   <li>the batch is committed in one store transaction (the uidlist is written whole: all or none);</li>
 *   <li>then the files are removed, then the marker.</li>
 * </ol>
 *
 * A marker found at the next drain means a crash after step 1. The messages with a UID at or above its NEXTUID are
 * compared by content hash with the files it names that still exist: a file whose bytes are there was committed and
 * is only removed; the others are appended again. Spool files hold the exact bytes that are stored, so equal
 * content is the same delivery (each has its own Received line).
 */
final class SpoolDrain {
  /** Messages per transaction: one uidlist write for many, and a short redo after a crash. */
  static final int BATCH = 100;

  private SpoolDrain() {}

  /** @return how many messages were appended. The caller holds the user's delivery lock. */
  static int drain(UserSpool spool, Mailbox inbox) {
    recover(spool, inbox);
    int appended = 0;
    while (true) {
      List<Path> files = spool.pending();
      if (files.isEmpty()) {
        return appended;
      }
      List<Path> batch = files.subList(0, Math.min(BATCH, files.size()));
      List<String> names = batch.stream().map(p -> p.getFileName().toString()).toList();
      spool.writeMarker(new UserSpool.Marker(inbox.status().nextUid(), names));
      try (MailboxTransaction tx = inbox.begin()) {
        for (Path f : batch) {
          try (InputStream in = Files.newInputStream(f)) {
            tx.add(MessageMeta.next(Files.getLastModifiedTime(f).toInstant(), Flags.NONE), in);
          }
        }
        tx.commit();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      spool.remove(batch);
      spool.clearMarker();
      appended += batch.size();
    }
  }

  private static void recover(UserSpool spool, Mailbox inbox) {
    spool.cleanTmp();
    var marker = spool.marker();
    if (marker.isEmpty()) {
      return;
    }
    Map<String, Integer> stored = new HashMap<>();
    for (StoredMessage m : inbox.messages()) {
      if (m.uid() >= marker.get().nextUidBefore()) {
        try (InputStream in = inbox.openContent(m.uid())) {
          stored.merge(hash(in), 1, Integer::sum);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    List<Path> committed = new ArrayList<>();
    for (String name : marker.get().names()) {
      Path f = spool.dir().resolve(name);
      if (!Files.exists(f)) {
        continue;
      }
      try (InputStream in = Files.newInputStream(f)) {
        String h = hash(in);
        if (stored.getOrDefault(h, 0) > 0) {
          stored.merge(h, -1, Integer::sum);
          committed.add(f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    spool.remove(committed);
    spool.clearMarker();
  }

  private static String hash(InputStream in) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
