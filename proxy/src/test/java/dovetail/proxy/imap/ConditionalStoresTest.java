package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.IdRange;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponse.ResponseCode;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;

/** The MODIFIED set James wrote is read back, so that the messages refused under the lock can join it. */
class ConditionalStoresTest {
  private static final UnpooledStatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  @Test
  void jamesModifiedSetIsReadBack() {
    StatusResponse status = RESPONSES.taggedOk(new Tag("a1"), ImapConstants.STORE_COMMAND, HumanReadableText.FAILED,
        ResponseCode.condStore(new IdRange[] {new IdRange(3, 5), new IdRange(9)}));
    assertEquals("3:5,9", ConditionalStores.jamesModified(status).stream().map(IdRange::getFormattedString)
        .collect(Collectors.joining(",")));
  }

  @Test
  void aPlainOkHasNoModifiedSet() {
    StatusResponse status = RESPONSES.taggedOk(new Tag("a1"), ImapConstants.STORE_COMMAND,
        HumanReadableText.COMPLETED);
    assertTrue(ConditionalStores.jamesModified(status).isEmpty());
  }
}
