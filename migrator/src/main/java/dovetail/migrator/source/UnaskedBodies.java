package dovetail.migrator.source;

import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Bodies that a broken server sent for UIDs a fetch did not ask for: dropped as they come, and counted here so that
 * the fetch names them in one warning, not one line per body (a server can send many).
 */
final class UnaskedBodies implements LongConsumer {
  /** How many UIDs the warning names; the count says how many there were. */
  private static final int NAMED = 10;

  private final SortedSet<Long> uids = new TreeSet<>();
  private long bodies;

  @Override
  public void accept(long uid) {
    bodies++;
    if (uids.size() < NAMED) {
      uids.add(uid);
    }
  }

  boolean isEmpty() {
    return bodies == 0;
  }

  /** "2 bodies for UIDs that were not asked for (77, 78)". */
  String describe() {
    String named = uids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    return bodies + (bodies == 1 ? " body" : " bodies") + " for UIDs that were not asked for (" + named
        + (bodies > uids.size() && uids.size() == NAMED ? ", ..." : "") + ")";
  }
}
