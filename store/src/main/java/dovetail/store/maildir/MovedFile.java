package dovetail.store.maildir;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The file of a message that a MOVE takes out of another folder ({@code source}): renamed, not copied, so that after a
 * crash at any instant the message is in exactly one of the two folders. Taken without the source's lock (a MOVE never
 * holds two folders' locks, so two opposite MOVEs cannot wait for each other): whoever else changes the source meanwhile
 * renames (a flag change keeps the base name) or removes the file, and a rename that finds no file looks for it again
 * under its base name, as the store's own flag change does.
 */
final class MovedFile {
  /** Tries of a file that another writer keeps renaming, as MaildirFolder's. */
  private static final int RENAMED_RETRIES = 4;

  private final Path sourceDir;
  private final String baseName;
  private String relativePath;
  private boolean renamed;

  /** @param relativePath where the file was when the MOVE looked ("cur/…" or "new/…") */
  MovedFile(Path sourceDir, String baseName, String relativePath) {
    this.sourceDir = sourceDir;
    this.baseName = baseName;
    this.relativePath = relativePath;
  }

  /** What became of the file. */
  enum Outcome {
    /** Renamed into the target: the source has it no more. */
    MOVED,
    /**
     * Not renamed: the target is on another file system (EXDEV), where a rename cannot go. The caller copies it
     * ({@link #path}), and the source keeps its file until the source's expunge removes it, as copy+expunge did.
     */
    ACROSS_FILE_SYSTEMS,
    /** Gone from the source (another writer expunged it): nothing done. */
    GONE
  }

  /** Renames the file to {@code target} (which keeps its bytes and its mtime, the INTERNALDATE). */
  Outcome moveTo(Path target, FileWrites writes) throws IOException {
    for (int attempt = 1; attempt <= RENAMED_RETRIES; attempt++) {
      Path from = sourceDir.resolve(relativePath);
      try {
        writes.move(from, target);
        writes.afterMove(from.getParent());
        renamed = true;
        return Outcome.MOVED;
      } catch (NoSuchFileException renamedOrGone) {
        String now = currentPath();
        if (now == null) {
          return Outcome.GONE;
        }
        relativePath = now;
      } catch (IOException e) {
        if (!(e.getCause() instanceof AtomicMoveNotSupportedException)) {
          throw e;
        }
        return Outcome.ACROSS_FILE_SYSTEMS;
      }
    }
    throw new IOException("cannot move " + sourceDir.resolve(relativePath) + ": another writer keeps renaming it");
  }

  /**
   * Undoes {@link #moveTo} (the MOVE is undone as a whole): a file renamed to {@code target} goes back where it was; a
   * copy there is removed (the source kept its file).
   */
  void undo(Path target, FileWrites writes) throws IOException {
    if (!renamed) {
      Files.deleteIfExists(target);
      return;
    }
    Path at = target;
    for (int attempt = 1; ; attempt++) {
      try {
        writes.move(at, sourceDir.resolve(relativePath));
        renamed = false;
        return;
      } catch (NoSuchFileException renamedMeanwhile) {
        // A reader of the target (Dovecot) saw the message between its record and the undo and changed its flags:
        // the file kept its base name there (review 15, F7).
        Path targetDir = target.getParent().getParent();
        String now = find(targetDir, MaildirFilename.baseName(target.getFileName().toString()));
        if (now == null || attempt == RENAMED_RETRIES) {
          throw renamedMeanwhile;
        }
        at = targetDir.resolve(now);
      }
    }
  }

  boolean isIn(Path folderDir) {
    return sourceDir.equals(folderDir);
  }

  String baseName() {
    return baseName;
  }

  /** Where the file was in the source ("cur/…" or "new/…"), as last found. */
  String relativePath() {
    return relativePath;
  }

  /** Where the file is, as last found. */
  Path path() {
    return sourceDir.resolve(relativePath);
  }

  /** The file's path now, looked for under its base name in cur/ and new/; null when it is in neither. */
  private String currentPath() throws IOException {
    return find(sourceDir, baseName);
  }

  /** Where the file of {@code base} is in {@code folderDir} ("cur/…" or "new/…"), or null. */
  private static String find(Path folderDir, String base) throws IOException {
    for (String sub : new String[] {"cur", "new"}) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(folderDir.resolve(sub))) {
        for (Path p : entries) {
          String name = p.getFileName().toString();
          if (MaildirFilename.baseName(name).equals(base)) {
            return sub + "/" + name;
          }
        }
      } catch (NoSuchFileException e) {
        // no such directory: not there
      }
    }
    return null;
  }
}
