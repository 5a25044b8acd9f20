package dovetail.proxy.mailbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a failure is the file system refusing more data: ENOSPC (no space left) or EDQUOT (the user's disk quota).
 * The JDK reports both only as an IOException whose message is the C library's text for the errno, in the language
 * the server runs in (LC_MESSAGES), so the text is what tells them apart from other I/O errors.
 */
public final class DiskFull {
  /** Linux's device that refuses every write with ENOSPC. */
  private static final Path ALWAYS_FULL = Path.of("/dev/full");
  private static final List<String> ERRNO_TEXTS = errnoTexts();

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

  /**
   * strerror(ENOSPC) and strerror(EDQUOT) of glibc and musl in English, and ENOSPC's text in this JVM's language,
   * learned once from {@code /dev/full}. (EDQUOT has no such device: in another language a full quota is not
   * recognized.)
   */
  private static List<String> errnoTexts() {
    List<String> texts = new ArrayList<>(List.of("No space left on device", "Disk quota exceeded"));
    FileChannel full;
    try {
      full = FileChannel.open(ALWAYS_FULL, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException | SecurityException noSuchDevice) {
      return texts;
    }
    try (full) {
      full.write(ByteBuffer.allocate(1));
    } catch (IOException noSpace) {
      String text = noSpace.getMessage();
      if (text != null && !text.isBlank() && !texts.contains(text)) {
        texts.add(text);
      }
    }
    return List.copyOf(texts);
  }
}
