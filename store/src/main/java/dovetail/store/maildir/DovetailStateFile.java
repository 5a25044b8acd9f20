package dovetail.store.maildir;

import dovetail.store.PerPath;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Dovetail's own per-folder state, {@code dovetail-state} beside dovecot-uidlist. Dovecot's Maildir++ list
 * only treats root entries that start with '.' as folders and only reads cur/ and new/ as mail, so it ignores
 * this file. Format: {@code key=value} lines, sorted; replaced whole by temp file plus rename.
 *
 * <p>Several writers update it (the migration's progress, the IMAP front-end's mod-sequence ceiling, the service's
 * counts), each as read, change, write. {@link #update} makes that one step: an in-process lock per folder, then an
 * exclusive lock on {@code dovetail-state.lock} for another process (backup beside serve). Readers need no lock:
 * the rename makes every version whole.
 */
final class DovetailStateFile {
  static final String FILE = "dovetail-state";
  static final String LOCK_FILE = "dovetail-state.lock";

  /** One lock per folder directory for the whole JVM: a file lock is held per process, not per thread. */
  private static final PerPath<ReentrantLock> LOCKS = new PerPath<>();

  private DovetailStateFile() {}

  /**
   * The state. A damaged file (bytes that are not UTF-8, a line that is not {@code key=value}) is an error naming the
   * file and the line, and the file is left as it is: read as less than it says, a lost {@code migration.state} would
   * make an unfinished folder look local (its migration never resumed, the user counted complete) and a lost
   * mod-sequence ceiling would hand out mod-sequences again. A CR before the LF (an edit on another system) is part of
   * the line end.
   */
  static Map<String, String> read(Path folderDir) {
    Map<String, String> state = new TreeMap<>();
    Path file = folderDir.resolve(FILE);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (NoSuchFileException e) {
      return state;
    } catch (CharacterCodingException e) {
      throw damaged(file, "it is not UTF-8 text");
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      int eq = line.indexOf('=');
      if (eq > 0) {
        state.put(line.substring(0, eq), line.substring(eq + 1));
      } else if (!line.isEmpty()) {
        throw damaged(file, "line " + (i + 1) + " is not key=value");
      }
    }
    return state;
  }

  private static StoreException damaged(Path file, String why) {
    return new StoreException(StoreError.CORRUPT, file + " is damaged: " + why + "; left as it is: restore it from a"
        + " backup or correct it (README, \"Dovetail's own state\")");
  }

  /**
   * Replaces the state with {@code change} applied to the current one, with every other update of this folder's
   * state (in this process or another) kept out until it is written. Returns the state written.
   */
  static Map<String, String> update(Path folderDir, UnaryOperator<Map<String, String>> change, FileWrites fsync) {
    ReentrantLock lock = LOCKS.of(folderDir, ReentrantLock::new);
    lock.lock();
    try {
      fsync.createFile(folderDir.resolve(LOCK_FILE)); // owned like the store when it is new
      try (FileChannel channel = FileChannel.open(folderDir.resolve(LOCK_FILE), StandardOpenOption.WRITE);
          FileLock held = channel.lock()) {
        Map<String, String> next = new TreeMap<>(change.apply(Collections.unmodifiableMap(read(folderDir))));
        write(folderDir, next, fsync);
        return next;
      } catch (IOException e) {
        throw MaildirSync.io("cannot lock " + folderDir.resolve(LOCK_FILE), e);
      }
    } finally {
      lock.unlock();
    }
  }

  private static void write(Path folderDir, Map<String, String> state, FileWrites fsync) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(state).entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\n') >= 0 || value.indexOf('\n') >= 0
          || value.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("state keys and values are single lines, keys without '=': " + key);
      }
      out.append(key).append('=').append(value).append('\n');
    }
    fsync.replace(folderDir.resolve(FILE), folderDir.resolve(FILE + ".tmp"), out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
