package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;

/** Which responses go out at once: BYE and IDLE's heartbeat (James never flushed the heartbeat), and no others. */
class FlushAtOnceTest {
  private static final StatusResponseFactory RESPONSES = new UnpooledStatusResponseFactory();

  /** What reaches the connection's responder, with "flush" where it was flushed. */
  private static final class Recorded implements ImapProcessor.Responder {
    final List<String> events = new ArrayList<>();

    @Override
    public void respond(ImapResponseMessage message) {
      events.add("respond");
    }

    @Override
    public void flush() {
      events.add("flush");
    }
  }

  @Test
  void theHeartbeatAndByeAreFlushedAtOnceOtherResponsesWait() {
    Recorded connection = new Recorded();
    FlushAtOnce responder = new FlushAtOnce(connection);
    responder.respond(RESPONSES.untaggedOk(HumanReadableText.HEARTBEAT));
    responder.respond(RESPONSES.bye(HumanReadableText.BYE));
    responder.respond(RESPONSES.untaggedOk(HumanReadableText.IDLING));
    responder.respond(RESPONSES.taggedOk(new Tag("a1"), null, HumanReadableText.COMPLETED));
    assertEquals(List.of("respond", "flush", "respond", "flush", "respond", "respond"), connection.events);
  }
}
