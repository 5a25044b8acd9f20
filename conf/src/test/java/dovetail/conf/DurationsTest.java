package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class DurationsTest {
    private static Duration seconds(String s) {
        return Durations.parse(s, ChronoUnit.SECONDS);
    }

    @Test
    void readsDovecotStyleTimes() {
        assertEquals(Duration.ofSeconds(30), seconds("30s"));
        assertEquals(Duration.ofSeconds(30), seconds("30 secs"));
        assertEquals(Duration.ofSeconds(30), seconds("30 seconds"));
        assertEquals(Duration.ofSeconds(30), seconds("30"));
        assertEquals(Duration.ofMinutes(5), seconds("5 mins"));
        assertEquals(Duration.ofMinutes(5), seconds("5m"));
        assertEquals(Duration.ofMinutes(5), seconds("5 MINUTES"));
        assertEquals(Duration.ofHours(72), seconds("72h"));
        assertEquals(Duration.ofHours(1), seconds("1 hour"));
        assertEquals(Duration.ofDays(3), seconds("3d"));
        assertEquals(Duration.ofDays(14), seconds("2 weeks"));
        assertEquals(Duration.ofMillis(500), seconds("500ms"));
        assertEquals(Duration.ofMillis(500), seconds("500 msecs"));
        assertEquals(Duration.ofMillis(500), seconds("500 milliseconds"));
        assertEquals(Duration.ZERO, seconds("0"));
    }

    @Test
    void bareNumberUsesTheKeysUnit() {
        assertEquals(Duration.ofMillis(1000), Durations.parse("1000", ChronoUnit.MILLIS));
    }

    @Test
    void rejectsWhatDovecotRejects() {
        for (String bad : new String[] {"", "s", "-1s", "1.5h", "3 fortnights", "5 minutesx", "1h30m", "10 ys"}) {
            assertThrows(IllegalArgumentException.class, () -> seconds(bad), bad);
        }
    }
}
