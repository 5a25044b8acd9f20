package dovetail.proxy.mailbox;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a failure is the file system refusing more data: ENOSPC (no space left) or EDQUOT (the user's disk quota).
 * The JDK reports both only as an IOException whose message is the C library's text for the errno, in the language
 * the server runs in (LC_MESSAGES), so the text is what tells them apart from other I/O errors.
 */
public final class DiskFull {
  /** Linux's device that refuses every write with ENOSPC: character device 1:7. */
  private static final Path ALWAYS_FULL = Path.of("/dev/full");
  private static final long FULL_DEVICE = (1 << 8) | 7;
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
   * learned once from {@code /dev/full} (EDQUOT has no such device: in another language a full quota is not
   * recognized). Only from the real device (character device 1:7), through a stream (a FileChannel on an interrupted
   * thread fails with no text, and the text would then be lost for good).
   */
  private static List<String> errnoTexts() {
    List<String> texts = new ArrayList<>(List.of("No space left on device", "Disk quota exceeded"));
    if (!isTheFullDevice()) {
      return texts;
    }
    try (FileOutputStream full = new FileOutputStream(ALWAYS_FULL.toFile())) {
      full.write(0);
      full.flush();
    } catch (IOException noSpace) {
      String text = noSpace.getMessage();
      if (text != null && !text.isBlank() && !texts.contains(text)) {
        texts.add(text);
      }
    }
    return List.copyOf(texts);
  }

  private static boolean isTheFullDevice() {
    try {
      Object rdev = Files.readAttributes(ALWAYS_FULL, "unix:rdev").get("rdev");
      return rdev instanceof Long device && device == FULL_DEVICE;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      return false;
    }
  }
}
