package dovetail.proxy.lmtp;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.dsn.DSNStatus;

/**
 * {@code RCPT TO:<bob>}: a recipient without a domain, which LMTP clients send (Postfix's local delivery, Dovecot's
 * own tools). It means the user {@code bob}, as a login {@code bob} does, and Dovecot's LMTP writes it as it came
 * ({@code Delivered-To: bob}). James 3.8.1's RCPT handler gives such an address the domain {@code localhost}, which
 * would make a second user {@code bob@localhost} (a legacy login as {@code bob@localhost}, refused) and a header
 * naming a domain nobody wrote. Here the missing domain is {@link #DOMAIN} instead, a name no real address has
 * (RFC 2606 reserves {@code .invalid}), so that the recipient check and the delivery know it was a local part only.
 */
final class LocalPartRecipients {
  /** Stands for "no domain" inside a James {@link MailAddress}, which must have one. */
  static final String DOMAIN = "local-part-only.invalid";

  private LocalPartRecipients() {}

  /** Whether the client wrote {@code address} without a domain. */
  static boolean isLocalPartOnly(MailAddress address) {
    return address.getDomain().asString().equalsIgnoreCase(DOMAIN);
  }

  /** The recipient as the client wrote it: {@code bob} or {@code bob@example.org}; for replies and headers. */
  static String shown(MailAddress address) {
    return isLocalPartOnly(address) ? address.getLocalPart() : address.asString();
  }

  /** James's RCPT handler, with {@link #DOMAIN} for a recipient without one and its reply naming it as written. */
  static final class Handler extends RcptCmdHandler {
    Handler(MetricFactory metrics) {
      super(metrics);
    }

    @Override
    protected String getDefaultDomain() {
      return DOMAIN;
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
      Response response = super.doCoreCmd(session, command, parameters);
      MailAddress rcpt = session.getAttachment(CURRENT_RECIPIENT, SMTPSession.State.Transaction).orElse(null);
      if (rcpt != null && isLocalPartOnly(rcpt) && SMTPRetCode.MAIL_OK.equals(response.getRetCode())) {
        return new SMTPResponse(SMTPRetCode.MAIL_OK, DSNStatus.getStatus(DSNStatus.SUCCESS, DSNStatus.ADDRESS_VALID)
            + " Recipient <" + shown(rcpt) + "> OK");
      }
      return response;
    }
  }
}
