package dovetail.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * One object per file path in this JVM (a lock, a monitor), shared by every caller that names the same file, and
 * forgotten once nobody holds it: a server that touches millions of folders over its life keeps only those in use.
 * Forgetting is safe for locks because a lock that somebody holds (or waits on) is referenced by that thread.
 */
public final class PerPath<T> {
  private final Cache<Path, T> objects = Caffeine.newBuilder().weakValues().build();

  /** The object of {@code path} (made absolute and normalized); {@code create} makes it if nobody holds one. */
  public T of(Path path, Supplier<? extends T> create) {
    return objects.get(path.toAbsolutePath().normalize(), key -> create.get());
  }

  /** How many objects are still held (after dropping those collected); for tests. */
  long size() {
    objects.cleanUp();
    return objects.estimatedSize();
  }
}
