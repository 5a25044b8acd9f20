package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Walk-through 18, F8: a legacy outage wrote one WARN per late-mail check; one a minute per cause now. */
class FoldedWarningsTest {
  @Test
  void theSameCauseWithinTheWindowIsCountedAndTheNextLineSaysHowMany() {
    AtomicLong now = new AtomicLong();
    FoldedWarnings warnings = new FoldedWarnings(Duration.ofMinutes(1), now::get);
    String down = "127.0.0.1:143: connect: cannot connect: Connection refused";
    assertEquals(Optional.of(""), warnings.admit(down));
    for (int i = 0; i < 50; i++) {
      now.addAndGet(Duration.ofMillis(100).toNanos());
      assertEquals(Optional.empty(), warnings.admit(down), "folded");
    }
    assertEquals(Optional.of(""), warnings.admit("127.0.0.1:143: login as u27: refused"), "another cause is logged");
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    assertEquals(Optional.of(" (and 50 more with this cause since the last such line)"), warnings.admit(down));
    now.addAndGet(Duration.ofMinutes(2).toNanos());
    assertEquals(Optional.of(""), warnings.admit(down), "nothing folded since");
  }
}
