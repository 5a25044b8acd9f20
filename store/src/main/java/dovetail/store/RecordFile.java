package dovetail.store;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dovetail's append-only records beside a folder's state ({@code dovetail-expunged}, {@code dovetail-changes}): a
 * header line, then one line per entry, appended. Only complete lines count, so a crash in the middle of an append
 * loses at most that entry. A new file or a compacted one is written whole through {@link StoreFiles#replace}.
 */
public final class RecordFile {
  private static final Logger LOG = LoggerFactory.getLogger(RecordFile.class);

  private RecordFile() {}

  /**
   * The complete lines after the header, when the file's first line is {@code header}; empty when the file is
   * missing, unreadable (logged) or another record (another UIDVALIDITY), which its first write then replaces.
   */
  public static Optional<List<String>> read(Path file, String header) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("cannot read {}, starting a new record: {}", file, e.toString());
      return Optional.empty();
    }
    String[] lines = text.split("\n", -1);
    if (!lines[0].equals(header)) {
      return Optional.empty();
    }
    // The last element follows the last newline: a line cut short by a crash, or "".
    return Optional.of(Arrays.asList(lines).subList(1, lines.length - 1));
  }

  /**
   * Appends one line (with its newline) to the record, which must exist; {@code sync} forces it to disk before
   * returning. Through a stream, not a FileChannel: the change it records is made already, and a channel closes when
   * its thread is interrupted (a client that went away cancels its command): the line was lost, and verify counted
   * the change as a difference (walk-through 12, T9).
   */
  public static void append(Path file, String line, boolean sync) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString()); // made whole, with its header and owner, by StoreFiles.replace
    }
    try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
      if (Files.size(file) == 0) { // by name: the stream's channel would close on an interrupt
        // Removed since the check, and made again by this open (java.io cannot open without creating): a record
        // without its header, owned by the server's user. Undone, and made whole by the caller's next write.
        out.close();
        Files.deleteIfExists(file);
        throw new NoSuchFileException(file.toString());
      }
      out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      if (sync) {
        out.getFD().sync();
      }
    }
  }
}
