package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;

/** A refused login gets Dovecot's answer with RFC 5530's code (walk-through 6, W10). */
class ResponseCodeFixTest {
  private final StatusResponseFactory responses = new UnpooledStatusResponseFactory();
  private final ResponseCodeFix fix = new ResponseCodeFix(null, responses, null);

  private StatusResponse fixed(HumanReadableText text) {
    return (StatusResponse) fix.fixed(responses.taggedNo(new Tag("a1"), ImapConstants.LOGIN_COMMAND, text));
  }

  @Test
  void aRefusedLoginSaysAuthenticationFailedWithItsCode() {
    for (HumanReadableText text : new HumanReadableText[] {HumanReadableText.INVALID_LOGIN,
        HumanReadableText.AUTHENTICATION_FAILED}) {
      StatusResponse r = fixed(text);
      assertEquals("AUTHENTICATIONFAILED", r.getResponseCode().getCode());
      assertEquals("Authentication failed.", r.getTextKey().getDefaultValue());
      assertEquals(null, r.getCommand(), "no command name before the text, as Dovecot");
    }
  }

  @Test
  void aPasswordBeforeTlsSaysPrivacyRequired() {
    StatusResponse r = fixed(HumanReadableText.DISABLED_LOGIN);
    assertEquals("PRIVACYREQUIRED", r.getResponseCode().getCode());
    assertEquals("Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
        r.getTextKey().getDefaultValue());
  }

  @Test
  void otherRefusalsAreLeftAlone() {
    StatusResponse no = responses.taggedNo(new Tag("a1"), ImapConstants.SELECT_COMMAND,
        HumanReadableText.MAILBOX_NOT_FOUND);
    assertSame(no, fix.fixed(no));
  }
}
