package dovetail.migrator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private long now;
  private final List<Long> waits = new ArrayList<>();

  private RateLimiter limiter(int perSecond) {
    return new RateLimiter(perSecond, () -> now, nanos -> {
      waits.add(nanos);
      now += nanos;
    });
  }

  @Test
  void messagesAreSpacedOneSlotApart() throws Exception {
    RateLimiter tenPerSecond = limiter(10);
    for (int i = 0; i < 4; i++) {
      tenPerSecond.acquire();
    }
    assertEquals(List.of(100_000_000L, 100_000_000L, 100_000_000L), waits, "the first message goes at once");
  }

  @Test
  void anIdleSweeperSavesNoBurst() throws Exception {
    RateLimiter tenPerSecond = limiter(10);
    tenPerSecond.acquire();
    now += 5_000_000_000L; // five idle seconds
    tenPerSecond.acquire();
    tenPerSecond.acquire();
    assertEquals(List.of(100_000_000L), waits);
  }

  @Test
  void zeroIsUnlimited() throws Exception {
    RateLimiter unlimited = limiter(0);
    for (int i = 0; i < 1000; i++) {
      unlimited.acquire();
    }
    assertEquals(List.of(), waits);
  }
}
