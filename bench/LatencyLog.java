import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The latencies (nanoseconds), bytes and failures that one or more clients recorded, per kind of operation. */
final class LatencyLog {
  private final Map<LoadClient.Op, Series> series = new EnumMap<>(LoadClient.Op.class);
  final List<String> errors = new ArrayList<>();

  static final class Series {
    long[] nanos = new long[1024];
    int count;
    long bytes;
    int failed;

    void add(long n) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = n;
    }

    long[] sorted() {
      long[] s = Arrays.copyOf(nanos, count);
      Arrays.sort(s);
      return s;
    }
  }

  void record(LoadClient.Op op, long nanos, long bytes, String error) {
    Series s = series.computeIfAbsent(op, k -> new Series());
    s.add(nanos);
    s.bytes += bytes;
    if (error != null) {
      s.failed++;
      if (errors.size() < 5) {
        errors.add(op + ": " + error);
      }
    }
  }

  void addAll(LatencyLog other) {
    other.series.forEach((op, s) -> {
      Series mine = series.computeIfAbsent(op, k -> new Series());
      for (int i = 0; i < s.count; i++) {
        mine.add(s.nanos[i]);
      }
      mine.bytes += s.bytes;
      mine.failed += s.failed;
    });
    for (String e : other.errors) {
      if (errors.size() < 5) {
        errors.add(e);
      }
    }
  }

  Series get(LoadClient.Op op) {
    return series.getOrDefault(op, new Series());
  }

  /** Every operation together. */
  Series all() {
    Series all = new Series();
    series.values().forEach(s -> {
      for (int i = 0; i < s.count; i++) {
        all.add(s.nanos[i]);
      }
      all.bytes += s.bytes;
      all.failed += s.failed;
    });
    return all;
  }

  /** The q-quantile (0..1) of sorted values, nearest rank; 0 if empty. */
  static long quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
