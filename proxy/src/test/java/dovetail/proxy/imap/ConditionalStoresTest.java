package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

  @Test
  void refusedNumbersJoinJamesModifiedSetOrMakeOne() {
    StatusResponse james = RESPONSES.taggedOk(new Tag("a1"), ImapConstants.STORE_COMMAND, HumanReadableText.FAILED,
        ResponseCode.condStore(new IdRange[] {new IdRange(3, 5)}));
    assertEquals("2:6,9", modified(ConditionalStores.withModified(james, List.of(6L, 2L, 9L))));
    StatusResponse plain = RESPONSES.taggedOk(new Tag("a2"), ImapConstants.STORE_COMMAND,
        HumanReadableText.COMPLETED);
    StatusResponse answered = ConditionalStores.withModified(plain, List.of(7L));
    assertEquals("7", modified(answered));
    assertEquals(new Tag("a2"), answered.getTag());
    assertTrue(ConditionalStores.withModified(plain, List.of()) == plain, "nothing refused: James's answer as it is");
  }

  private static String modified(StatusResponse status) {
    return ConditionalStores.jamesModified(status).stream().map(IdRange::getFormattedString)
        .collect(Collectors.joining(","));
  }
}
