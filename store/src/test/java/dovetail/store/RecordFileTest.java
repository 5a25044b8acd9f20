package dovetail.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {
  @TempDir Path dir;

  /**
   * A client that goes away cancels its command, which interrupts the thread that has just made the change: its
   * record is written all the same (it was lost with a ClosedByInterruptException), and the interrupt stays set.
   */
  @Test
  void aLineIsAppendedOnAnInterruptedThread() throws Exception {
    Path file = Files.writeString(dir.resolve("dovetail-changes"), "header\n");
    Thread.currentThread().interrupt();
    try {
      RecordFile.append(file, "expunged 1:3", true);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is left for the caller");
    } finally {
      Thread.interrupted();
    }
    assertEquals(Optional.of(List.of("expunged 1:3")), RecordFile.read(file, "header"));
  }

  @Test
  void aMissingRecordIsNotMadeByAnAppend() {
    Path file = dir.resolve("dovetail-changes");
    assertThrows(NoSuchFileException.class, () -> RecordFile.append(file, "expunged 1", false));
    assertTrue(Files.notExists(file), "made whole, with its header and owner, by its first write");
  }

  /**
   * An empty file is what the append's own open leaves when the record was removed after its check (java.io creates
   * what it opens): no line goes into a record without its header, and the file is not left behind (review 14, F8).
   */
  @Test
  void anEmptyFileIsTakenAsNoRecord() throws Exception {
    Path file = Files.createFile(dir.resolve("dovetail-changes"));
    assertThrows(NoSuchFileException.class, () -> RecordFile.append(file, "expunged 1", false));
    assertTrue(Files.notExists(file), "made whole, with its header and owner, by its first write");
  }
}
