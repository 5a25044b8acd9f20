package dovetail.proxy.imap;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * One whole IMAP command as it came off the wire: its lines, and between them the literals they announced, each
 * held in memory or, when large, in a temp file. {@link #close()} deletes the temp files.
 */
final class CommandFrame implements Closeable {
  /** A piece of a command. */
  sealed interface Part permits Text, Literal {}

  /** Protocol text: one or more lines, each ending in LF (a literal's announcement included). */
  record Text(byte[] bytes) implements Part {}

  /** A literal's bytes, either in {@code bytes} or in {@code file}. */
  record Literal(byte[] bytes, Path file, long size) implements Part {
    InputStream open() throws IOException {
      if (bytes != null) {
        return new ByteArrayInputStream(bytes);
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      return Channels.newInputStream(channel);
    }
  }

  private final List<Part> parts;

  CommandFrame(List<Part> parts) {
    this.parts = List.copyOf(parts);
  }

  List<Part> parts() {
    return parts;
  }

  /** The command name (the second word of the first line), upper case, or "" if there is none. */
  String command() {
    return CommandFramer.word(firstLine(), 1).toUpperCase(Locale.ROOT);
  }

  private String firstLine() {
    return parts.isEmpty() || !(parts.get(0) instanceof Text t) ? "" : new String(t.bytes(), StandardCharsets.ISO_8859_1);
  }

  /** The tag to answer with when James cannot decode the command: its first word if usable, else "*". */
  String tag() {
    return CommandFramer.tagOf(firstLine());
  }

  @Override
  public void close() {
    for (Part part : parts) {
      if (part instanceof Literal l && l.file() != null) {
        try {
          Files.deleteIfExists(l.file());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
