package dovetail.proxy.lmtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

/** A client gone mid-DATA leaves no temporary file; nothing of it was delivered. */
final class DisconnectCleanup implements DisconnectHandler<SMTPSession> {
  @Override
  public void onDisconnect(SMTPSession session) {
    session.removeAttachment(FileDataCmdHandler.CURRENT, ProtocolSession.State.Connection)
        .ifPresent(FileEnvelope::discard);
  }
}
