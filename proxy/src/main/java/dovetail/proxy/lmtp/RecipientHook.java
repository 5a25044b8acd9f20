package dovetail.proxy.lmtp;

import java.util.HashMap;
import java.util.Map;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;

/** RCPT TO: 250 for a known user, 550 5.1.1 for an unknown one, 451 4.4.3 when the legacy server cannot tell. */
final class RecipientHook implements RcptHook {
  /** Recipient address to Dovetail user, for the DATA that follows. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static final ProtocolSession.AttachmentKey<Map<String, String>> USERS =
      (ProtocolSession.AttachmentKey) ProtocolSession.AttachmentKey.of("dovetail-lmtp-users", Map.class);

  private static final HookResult UNKNOWN = HookResult.builder().hookReturnCode(HookReturnCode.deny())
      .smtpReturnCode("550").smtpDescription("5.1.1 User doesn't exist").build();
  private static final HookResult TEMPORARY = HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
      .smtpReturnCode("451").smtpDescription("4.4.3 Cannot verify the user now, try again later").build();

  private final UserLookup lookup;

  RecipientHook(UserLookup lookup) {
    this.lookup = lookup;
  }

  @Override
  public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
    UserLookup.Result r = lookup.find(rcpt);
    return switch (r.verdict()) {
      case UNKNOWN -> UNKNOWN;
      case TEMPORARY -> TEMPORARY;
      case KNOWN -> {
        Map<String, String> users = session.getAttachment(USERS, ProtocolSession.State.Transaction).orElse(null);
        if (users == null) {
          users = new HashMap<>();
          session.setAttachment(USERS, users, ProtocolSession.State.Transaction);
        }
        users.put(rcpt.asString(), r.user());
        yield HookResult.OK;
      }
    };
  }
}
