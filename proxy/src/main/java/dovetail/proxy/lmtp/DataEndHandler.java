package dovetail.proxy.lmtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.lmtp.core.DataLineMessageHookHandler;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;

/** James's per-recipient LMTP replies after DATA; then the received file goes. */
final class DataEndHandler extends DataLineMessageHookHandler {
  @Override
  protected Response processExtensions(SMTPSession session, MailEnvelope mail) {
    try {
      return super.processExtensions(session, mail);
    } finally {
      if (mail instanceof FileEnvelope f) {
        f.discard();
      }
    }
  }
}
