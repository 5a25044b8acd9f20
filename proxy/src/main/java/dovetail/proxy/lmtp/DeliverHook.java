package dovetail.proxy.lmtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.lmtp.hook.DeliverToRecipientHook;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After DATA, once per recipient (LMTP, RFC 2033 section 4.2): the message with the headers Dovecot's LMTP adds
 * (Return-Path, Delivered-To, Received; lmtp-local.c and lmtp-commands.c), line ends as Dovecot saves them
 * ({@link LfInputStream}), into the store or the spool. A failure is that recipient's 451; the others keep theirs.
 */
final class DeliverHook implements DeliverToRecipientHook {
  private static final Logger LOG = LoggerFactory.getLogger(DeliverHook.class);
  private static final DateTimeFormatter RFC5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final InboxDelivery delivery;
  private final Clock clock;
  private final String hostname;

  DeliverHook(InboxDelivery delivery, Clock clock, String hostname) {
    this.delivery = delivery;
    this.clock = clock;
    this.hostname = hostname;
  }

  /** What each recipient address of the transaction was answered: an address given twice is delivered once. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final ProtocolSession.AttachmentKey<Map<String, HookResult>> ANSWERED =
      (ProtocolSession.AttachmentKey) ProtocolSession.AttachmentKey.of("dovetail-lmtp-answered", Map.class);

  /**
   * One answer per RCPT (RFC 2033), one message per recipient address: the same RCPT given 1,000 times stored 1,000
   * copies (walk-through 13, B5), where Dovecot stores one.
   */
  @Override
  public HookResult deliver(SMTPSession session, MailAddress recipient, MailEnvelope envelope) {
    Map<String, HookResult> answered = session.getAttachment(ANSWERED, ProtocolSession.State.Transaction)
        .orElse(null);
    if (answered == null) {
      answered = new HashMap<>();
      session.setAttachment(ANSWERED, answered, ProtocolSession.State.Transaction);
    }
    return answered.computeIfAbsent(recipient.asString(), address -> deliverOnce(session, recipient, envelope));
  }

  private HookResult deliverOnce(SMTPSession session, MailAddress recipient, MailEnvelope envelope) {
    String user = session.getAttachment(RecipientHook.USERS, ProtocolSession.State.Transaction)
        .map(m -> m.get(recipient.asString())).orElse(null);
    if (user == null) {
      return reply(HookReturnCode.denySoft(), "451", "4.3.0 <" + LocalPartRecipients.shown(recipient)
          + "> Temporary failure");
    }
    try {
      InboxDelivery.Placement p = delivery.deliver(user, () -> content(session, recipient, envelope));
      LOG.info("{}: session {}: delivered to INBOX ({})", user, session.getSessionID(),
          p == InboxDelivery.Placement.STORED ? "stored" : "spooled until INBOX is migrated");
      return reply(HookReturnCode.ok(), "250", "2.0.0 <" + LocalPartRecipients.shown(recipient) + "> Saved");
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: session {}: delivery failed: {}", user, session.getSessionID(), e.toString());
      return reply(HookReturnCode.denySoft(), "451", "4.2.0 <" + LocalPartRecipients.shown(recipient)
          + "> Temporary failure");
    }
  }

  private InputStream content(SMTPSession session, MailAddress recipient, MailEnvelope envelope) {
    String sender = envelope.getMaybeSender().asString("");
    String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse("unknown");
    // Over the Unix socket there is no client IP, and Dovecot's Received line then has none
    // (smtp-server-transaction.c, smtp_server_transaction_write_trace_record).
    boolean unix = session.getAttachment(SessionHandler.UNIX_SOCKET, ProtocolSession.State.Connection).isPresent();
    String from = unix || session.getRemoteAddress() == null ? helo
        : helo + " ([" + session.getRemoteAddress().getAddress().getHostAddress() + "])";
    String to = LocalPartRecipients.shown(recipient); // as written: "bob" stays "bob", as in Dovecot's LMTP
    String headers = "Return-Path: <" + sender + ">\r\n"
        + "Delivered-To: " + to + "\r\n"
        + "Received: from " + from + "\r\n"
        + "\tby " + hostname + " with LMTP id " + session.getSessionID() + "\r\n"
        + "\tfor <" + to + ">; " + RFC5322.format(clock.instant().atZone(ZoneId.systemDefault()))
        + "\r\n";
    try {
      InputStream body = new BufferedInputStream(envelope.getMessageInputStream(), 65536);
      return new LfInputStream(new SequenceInputStream(
          new ByteArrayInputStream(headers.getBytes(StandardCharsets.UTF_8)), body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HookResult reply(HookReturnCode code, String smtp, String text) {
    return HookResult.builder().hookReturnCode(code).smtpReturnCode(smtp).smtpDescription(text).build();
  }
}
