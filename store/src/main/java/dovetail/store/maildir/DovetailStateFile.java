package dovetail.store.maildir;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dovetail's own per-folder state, {@code dovetail-state} beside dovecot-uidlist. Dovecot's Maildir++ list
 * only treats root entries that start with '.' as folders and only reads cur/ and new/ as mail, so it ignores
 * this file. Format: {@code key=value} lines, sorted; replaced whole by temp file plus rename.
 */
final class DovetailStateFile {
  static final String FILE = "dovetail-state";

  private DovetailStateFile() {}

  static Map<String, String> read(Path folderDir) {
    Map<String, String> state = new TreeMap<>();
    try {
      for (String line : Files.readAllLines(folderDir.resolve(FILE), StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          state.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (NoSuchFileException e) {
      return state;
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot read " + folderDir.resolve(FILE) + ": " + e.getMessage(), e);
    }
    return state;
  }

  static void write(Path folderDir, Map<String, String> state, FileWrites fsync) {
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
