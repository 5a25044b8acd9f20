package dovetail.proxy.mailbox;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dovetail.store.StoredMessage;
import java.util.function.Supplier;

/**
 * Header sizes and MIME properties of recently used messages, so that FETCH over a folder does not re-scan
 * every file each time. Keyed by folder, UID and the store's GUID, so a folder that another writer deleted and
 * recreated (same UIDs, new files) cannot be served stale entries.
 */
final class ShapeCache {
  private record Key(StoreMailboxId mailbox, long uid, String guid) {}

  private final Cache<Key, MessageShape> cache;

  ShapeCache(long maxEntries) {
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).build();
  }

  MessageShape get(StoreMailboxId mailbox, StoredMessage message, Supplier<MessageShape> scan) {
    return cache.get(new Key(mailbox, message.uid(), message.guid()), k -> scan.get());
  }
}
