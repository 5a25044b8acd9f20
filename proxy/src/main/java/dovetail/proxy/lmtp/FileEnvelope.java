package dovetail.proxy.lmtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.MailEnvelope;

/**
 * A DATA transaction's message in a temporary file rather than in memory (James's MailEnvelopeImpl holds it in a
 * byte array), so a 100 MB delivery needs no 100 MB of heap. The file is removed by {@link #discard}: after the
 * per-recipient deliveries, on a new DATA, and when the client disconnects.
 */
final class FileEnvelope implements MailEnvelope {
  private final MaybeSender sender;
  private final List<MailAddress> recipients;
  private final Path file;
  private OutputStream out;

  FileEnvelope(Path dir, MaybeSender sender, List<MailAddress> recipients) {
    this.sender = sender;
    this.recipients = List.copyOf(recipients);
    try {
      Files.createDirectories(dir);
      this.file = Files.createTempFile(dir, "data-", ".tmp");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long getSize() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public List<MailAddress> getRecipients() {
    return recipients;
  }

  @Override
  public MaybeSender getMaybeSender() {
    return sender;
  }

  @Override
  public synchronized OutputStream getMessageOutputStream() throws IOException {
    if (out == null) {
      out = new BufferedOutputStream(Files.newOutputStream(file), 65536);
    }
    return out;
  }

  @Override
  public InputStream getMessageInputStream() throws IOException {
    return Files.newInputStream(file);
  }

  synchronized void discard() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException ignored) {
      // the file goes anyway
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover in the LMTP temp directory is removed at the next start
    }
  }
}
