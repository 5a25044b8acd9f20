package dovetail.conf;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Dovecot time intervals: a whole number and an optional unit, e.g. {@code 30s}, {@code 5 mins}, {@code 72h},
 * {@code 3d}.
 */
final class Durations {
    private static final List<String> MILLIS = List.of("msecs", "mseconds", "millisecs", "milliseconds");
    private static final List<String> SECONDS = List.of("secs", "seconds");
    private static final List<String> MINUTES = List.of("mins", "minutes");
    private static final List<String> HOURS = List.of("hours");
    private static final List<String> DAYS = List.of("days");
    private static final List<String> WEEKS = List.of("weeks");

    private Durations() {
    }

    /**
     * Parses like Dovecot: the unit is any prefix of secs/seconds, mins/minutes, hours, days, weeks, or of
     * msecs/milliseconds ({@code ms}); without a unit the number is in {@code bareUnit}.
     *
     * @throws IllegalArgumentException if the text is not such a duration
     */
    static Duration parse(String text, ChronoUnit bareUnit) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
        if (i == 0 || i > 15) throw new IllegalArgumentException(text);
        long n = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        if (unit.isEmpty()) return Duration.of(n, bareUnit);
        if (unit.startsWith("ms") || unit.startsWith("mil")) {
            if (isPrefix(unit, MILLIS)) return Duration.ofMillis(n);
        } else if (isPrefix(unit, SECONDS)) {
            return Duration.ofSeconds(n);
        } else if (isPrefix(unit, MINUTES)) {
            return Duration.ofMinutes(n);
        } else if (isPrefix(unit, HOURS)) {
            return Duration.ofHours(n);
        } else if (isPrefix(unit, DAYS)) {
            return Duration.ofDays(n);
        } else if (isPrefix(unit, WEEKS)) {
            return Duration.ofDays(7 * n);
        }
        throw new IllegalArgumentException(text);
    }

    private static boolean isPrefix(String unit, List<String> words) {
        return words.stream().anyMatch(w -> w.startsWith(unit));
    }
}
