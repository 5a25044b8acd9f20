package dovetail.proxy.lmtp;

import dovetail.store.MailStore;
import dovetail.store.StoreFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * One user's LMTP spool: messages accepted while INBOX was not migrated yet, kept in {@code <Maildir>/dovetail-spool/}
 * (Dovecot's Maildir++ layout only reads {@code cur new tmp} and dot-directories, so it ignores this one). A message
 * is written to {@code tmp/}, fsynced, renamed to {@code <sequence>.eml}, and the directory is fsynced: after
 * {@link #add} returns, a crash cannot lose it. The sequence is zero-padded, so name order is arrival order. Its
 * directories and files are made through the store's {@link StoreFiles}, so they belong to the Maildir's owner.
 *
 * <p>Not thread-safe: callers hold the user's delivery lock.
 */
final class UserSpool {
  static final String DIR = "dovetail-spool";
  private static final String SUFFIX = ".eml";
  /** Which spool files a drain is appending, and the INBOX NEXTUID before it (see {@link SpoolDrain}). */
  private static final String MARKER = "draining";

  private final Path dir;
  private final StoreFiles files;
  private final boolean fsync;
  private long last = -1;

  UserSpool(MailStore store, boolean fsync) {
    this.dir = store.root().resolve(DIR);
    this.files = store.files();
    this.fsync = fsync;
  }

  Path dir() {
    return dir;
  }

  /** Whether the spool of the Maildir at {@code maildirRoot} holds a message or an unfinished drain; creates nothing. */
  static boolean holdsMail(Path maildirRoot) {
    Path dir = maildirRoot.resolve(DIR);
    if (Files.exists(dir.resolve(MARKER))) {
      return true;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      return files.iterator().hasNext();
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes {@code content} durable as the newest spooled message. */
  Path add(InputStream content) {
    try {
      Path tmp = dir.resolve("tmp");
      files.createDirectories(tmp);
      String name = String.format(Locale.ROOT, "%020d", nextSequence()) + SUFFIX;
      Path part = tmp.resolve(name + "." + UUID.randomUUID());
      try {
        try (FileChannel ch = files.createNew(part);
            OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
          content.transferTo(out);
          out.flush();
          if (fsync) {
            ch.force(true);
          }
        }
        Path target = dir.resolve(name);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        syncDir(dir);
        return target;
      } finally {
        Files.deleteIfExists(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The spooled messages, oldest first. */
  List<Path> pending() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      files.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }

  void remove(List<Path> files) {
    try {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      syncDir(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a drain that did not finish was doing: INBOX's NEXTUID before its commit and the files it appended. */
  record Marker(long nextUidBefore, List<String> names) {}

  Optional<Marker> marker() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(MARKER), StandardCharsets.US_ASCII);
      if (lines.isEmpty()) {
        return Optional.empty(); // torn before its rename cannot happen (tmp + rename); an empty file means nothing
      }
      return Optional.of(new Marker(Long.parseLong(lines.get(0).trim()), List.copyOf(lines.subList(1, lines.size()))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void writeMarker(Marker marker) {
    StringBuilder text = new StringBuilder().append(marker.nextUidBefore()).append('\n');
    marker.names().forEach(n -> text.append(n).append('\n'));
    try {
      Path tmp = dir.resolve("tmp");
      files.createDirectories(tmp);
      Path part = tmp.resolve(MARKER + "." + UUID.randomUUID());
      try (FileChannel ch = files.createNew(part)) {
        ch.write(java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
        if (fsync) {
          ch.force(true);
        }
      }
      Files.move(part, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDir(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void clearMarker() {
    try {
      if (Files.deleteIfExists(dir.resolve(MARKER))) {
        syncDir(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Leftovers of writes that a crash interrupted (never acknowledged, so never promised). */
  void cleanTmp() {
    Path tmp = dir.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Microseconds since the epoch, strictly above every name already in the spool. */
  private long nextSequence() {
    if (last < 0) {
      for (Path p : pending()) {
        String n = p.getFileName().toString();
        last = Math.max(last, Long.parseLong(n.substring(0, n.length() - SUFFIX.length())));
      }
    }
    long now = System.currentTimeMillis() * 1000;
    last = Math.max(now, last + 1);
    return last;
  }

  private void syncDir(Path d) throws IOException {
    if (fsync) {
      try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }
  }
}
