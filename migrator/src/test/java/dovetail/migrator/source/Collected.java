package dovetail.migrator.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link BodyConsumer} that keeps everything, for assertions: bodies, failures, and the call order. */
final class Collected implements BodyConsumer {
  final Map<Long, byte[]> bodies = new LinkedHashMap<>();
  final Map<Long, String> failures = new LinkedHashMap<>();
  final List<Long> order = new ArrayList<>();

  @Override
  public void accept(long uid, InputStream body) throws IOException {
    order.add(uid);
    bodies.put(uid, body.readAllBytes());
  }

  @Override
  public void failed(long uid, String reason) {
    order.add(uid);
    failures.put(uid, reason);
  }
}
