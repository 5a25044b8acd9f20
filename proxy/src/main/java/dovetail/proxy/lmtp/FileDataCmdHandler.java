package dovetail.proxy.lmtp;

import java.nio.file.Path;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

/** DATA into a {@link FileEnvelope}; the session remembers it so that a disconnect can remove it. */
final class FileDataCmdHandler extends DataCmdHandler {
  static final ProtocolSession.AttachmentKey<FileEnvelope> CURRENT =
      ProtocolSession.AttachmentKey.of("dovetail-lmtp-envelope", FileEnvelope.class);

  private final Path tempDir;
  private final ThreadLocal<ProtocolSession> session = new ThreadLocal<>();

  FileDataCmdHandler(MetricFactory metrics, Path tempDir) {
    super(metrics);
    this.tempDir = tempDir;
  }

  @Override
  protected org.apache.james.protocols.api.Response doDATA(org.apache.james.protocols.smtp.SMTPSession s,
      String argument) {
    session.set(s);
    try {
      return super.doDATA(s, argument);
    } finally {
      session.remove();
    }
  }

  @Override
  protected MailEnvelope createEnvelope(MaybeSender sender, List<MailAddress> recipients) {
    FileEnvelope env = new FileEnvelope(tempDir, sender, recipients);
    ProtocolSession s = session.get();
    if (s != null) {
      s.setAttachment(CURRENT, env, ProtocolSession.State.Connection).ifPresent(FileEnvelope::discard);
    }
    return env;
  }
}
