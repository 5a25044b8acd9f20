package dovetail.proxy.mailbox;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.store.StoredMessage;
import java.util.function.Supplier;

/**
 * Header sizes and MIME properties of recently used messages, so that FETCH over a folder does not re-scan
 * every file each time, and the header bytes of recently searched ones, so that SEARCH on header fields does not
 * open every file each time (each open also re-reads the folder). Keyed by folder, UID and the store's GUID, so a
 * folder that another writer deleted and recreated (same UIDs, new files) cannot be served stale entries; a
 * Maildir file's bytes never change under its name.
 */
final class ShapeCache {
  /** Longer headers are read from the file each time: a few of them would crowd out many ordinary ones. */
  static final int MAX_KEPT_HEADER = 16 * 1024;
  /** Bookkeeping per kept header besides its bytes (key, entry, array header), roughly. */
  private static final int HEADER_ENTRY_OVERHEAD = 100;

  private record Key(StoreMailboxId mailbox, long uid, String guid) {}

  private final Cache<Key, MessageShape> cache;
  private final Cache<Key, byte[]> headers;

  /**
   * @param maxEntries     how many shapes to keep
   * @param maxHeaderBytes how many bytes of headers to keep (their sum, with a small overhead per header)
   */
  ShapeCache(long maxEntries, long maxHeaderBytes) {
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).build();
    this.headers = Caffeine.newBuilder().maximumWeight(maxHeaderBytes)
        .<Key, byte[]>weigher((k, v) -> v.length + HEADER_ENTRY_OVERHEAD).build();
  }

  MessageShape get(StoreMailboxId mailbox, StoredMessage message, Supplier<MessageShape> scan) {
    return cache.get(new Key(mailbox, message.uid(), message.guid()), k -> scan.get());
  }

  /**
   * The message's header (CRLF form, with its blank line), read by {@code read} on a miss; null when {@code read}
   * gives null (a header longer than {@link #MAX_KEPT_HEADER}), which is not kept. Callers must not change the array.
   */
  byte[] header(StoreMailboxId mailbox, StoredMessage message, Supplier<byte[]> read) {
    return headers.get(new Key(mailbox, message.uid(), message.guid()), k -> read.get());
  }
}
