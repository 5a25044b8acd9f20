package dovetail.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutOfMemoryExitTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final List<Integer> halted = new ArrayList<>();
  private final OutOfMemoryExit handler =
      new OutOfMemoryExit(new PrintStream(printed, true, StandardCharsets.UTF_8), halted::add);

  @Test
  void aThreadThatRanOutOfMemoryEndsTheProcess() {
    handler.uncaughtException(new Thread("dovetail-imap-1-io-0"), new OutOfMemoryError("Java heap space"));
    assertEquals(List.of(OutOfMemoryExit.EXIT_CODE), halted);
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("out of memory"), printed.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anyOtherUncaughtExceptionIsPrintedAsTheJvmWouldAndTheProcessGoesOn() {
    handler.uncaughtException(new Thread("worker"), new IllegalStateException("boom"));
    assertEquals(List.of(), halted);
    String out = printed.toString(StandardCharsets.UTF_8);
    assertTrue(out.startsWith("Exception in thread \"worker\" java.lang.IllegalStateException: boom"), out);
  }
}
