package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Reading stops while more than HIGH bytes wait for the session, and starts again once they are down to LOW. */
class ReadThrottleTest {
  private static ByteBuf line(long bytes) {
    return Unpooled.wrappedBuffer(new byte[(int) bytes]);
  }

  @Test
  void readingPausesAboveHighAndResumesAtLow() {
    ReadThrottle throttle = new ReadThrottle();
    EmbeddedChannel ch = new EmbeddedChannel(throttle);
    ch.writeInbound(line(ReadThrottle.HIGH));
    assertTrue(ch.config().isAutoRead(), "exactly HIGH waiting: still reading");
    ch.writeInbound(line(1));
    assertFalse(ch.config().isAutoRead(), "above HIGH: paused");

    throttle.handled((int) (ReadThrottle.HIGH - ReadThrottle.LOW)); // LOW + 1 left
    ch.runPendingTasks();
    assertFalse(ch.config().isAutoRead(), "above LOW: still paused");
    throttle.handled(1);
    ch.runPendingTasks();
    assertTrue(ch.config().isAutoRead(), "down to LOW: reading again");
    assertEquals(ReadThrottle.LOW, throttle.waiting());
    ch.finishAndReleaseAll();
  }

  @Test
  void aSessionThatCatchesUpRightAfterThePauseResumesReading() {
    ReadThrottle throttle = new ReadThrottle();
    EmbeddedChannel ch = new EmbeddedChannel(throttle);
    ch.writeInbound(line(ReadThrottle.HIGH + 1));
    // The session handles everything right after the pause: the resume it posts undoes the pause.
    throttle.handled((int) ReadThrottle.HIGH + 1);
    ch.runPendingTasks();
    assertTrue(ch.config().isAutoRead());
    assertEquals(0, throttle.waiting());
    ch.finishAndReleaseAll();
  }
}
