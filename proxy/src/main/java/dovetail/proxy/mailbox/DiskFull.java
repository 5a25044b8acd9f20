package dovetail.proxy.mailbox;

import java.io.IOException;
import java.util.List;

/**
 * Whether a failure is the file system refusing more data: ENOSPC (no space left) or EDQUOT (the user's disk quota).
 * The JDK reports both only as an IOException whose message is the C library's text for the errno, so the text is
 * what tells them apart from other I/O errors.
 */
public final class DiskFull {
  /** strerror(ENOSPC) and strerror(EDQUOT) on Linux (glibc and musl). */
  private static final List<String> ERRNO_TEXTS = List.of("No space left on device", "Disk quota exceeded");

  private DiskFull() {}

  /** True when {@code failure} or one of its causes is an I/O error for a full disk or an exhausted quota. */
  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IOException && t.getMessage() != null
          && ERRNO_TEXTS.stream().anyMatch(t.getMessage()::contains)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
