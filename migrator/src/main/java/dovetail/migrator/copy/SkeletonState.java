package dovetail.migrator.copy;

import dovetail.migrator.source.LegacyFolder;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record the running server keeps of a user's skeleton, in INBOX's Dovetail state beside INBOX's own
 * {@link MigrationState} keys (see {@link UserSkeleton#refresh}). The offline backup builds the skeleton whole without
 * reading it, and writes it. Legacy names are kept as {@link LegacyFolder#key}.
 */
public final class SkeletonState {
  /** When the skeleton was last built or refreshed (ISO-8601); its presence means the user's skeleton exists. */
  public static final String BUILT = "skeleton.built";
  /**
   * When a passwd-file account was found unknown to the legacy server (ISO-8601): its store is all there is, so
   * status counts its folders listed. Serving does not trust it across a restart: the next login asks the legacy
   * server again, so that an account it knows by then (a setting fixed meanwhile) is still migrated. A built skeleton
   * replaces it.
   */
  public static final String LOCAL_ONLY = "skeleton.local_only";
  /**
   * {@code skeleton.seen.1}, {@code .2}, ...: every selectable legacy folder the last refresh listed, set up or not.
   * A refresh sets up only the names not in it, so a folder the user deleted or renamed is not set up again. Absent
   * in stores whose skeleton was built before it existed.
   */
  public static final String SEEN_PREFIX = "skeleton.seen.";
  /**
   * {@code skeleton.unset.N}: a legacy folder that could not be set up (tried again by each refresh);
   * {@code skeleton.unset.N.reason}: why.
   */
  public static final String UNSET_PREFIX = "skeleton.unset.";
  private static final String REASON = ".reason";
  private static final Pattern SEEN = Pattern.compile(Pattern.quote(SEEN_PREFIX) + "(\\d+)");
  private static final Pattern UNSET = Pattern.compile(Pattern.quote(UNSET_PREFIX) + "(\\d+)");

  private SkeletonState() {}

  public static boolean built(Map<String, String> inbox) {
    return inbox.containsKey(BUILT);
  }

  /** Whether the account was found to have nothing on the legacy server ({@link #LOCAL_ONLY}), and no skeleton since. */
  public static boolean localOnly(Map<String, String> inbox) {
    return inbox.containsKey(LOCAL_ONLY) && !built(inbox);
  }

  /** Whether the user's legacy folders were listed: a skeleton was built, or the account found to have none there. */
  public static boolean listed(Map<String, String> inbox) {
    return built(inbox) || localOnly(inbox);
  }

  /** {@code inbox} once the account was found unknown to the legacy server at {@code now}. */
  public static Map<String, String> withLocalOnly(Map<String, String> inbox, Instant now) {
    Map<String, String> out = new TreeMap<>(inbox);
    out.put(LOCAL_ONLY, now.toString());
    return out;
  }

  /** The legacy names seen; empty when there is no record (a skeleton built before it was kept). */
  public static Optional<Set<String>> seen(Map<String, String> inbox) {
    Set<String> names = new TreeSet<>();
    boolean any = false;
    for (Map.Entry<String, String> e : inbox.entrySet()) {
      if (SEEN.matcher(e.getKey()).matches()) {
        names.add(LegacyFolder.key(e.getValue()));
        any = true;
      }
    }
    return any ? Optional.of(names) : Optional.empty();
  }

  /** The legacy folders not set up: legacy name to why (a sentence that names the folder), in recorded order. */
  public static Map<String, String> unset(Map<String, String> inbox) {
    Map<Long, String> byIndex = new TreeMap<>();
    inbox.forEach((k, v) -> {
      Matcher m = UNSET.matcher(k);
      if (m.matches()) {
        byIndex.put(Long.parseLong(m.group(1)), k);
      }
    });
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : byIndex.values()) {
      String name = inbox.get(key);
      // Recorded before reasons were: the log of that build has it.
      out.put(name, inbox.getOrDefault(key + REASON, "legacy folder '" + name + "' could not be set up (see the log)"));
    }
    return out;
  }

  /**
   * {@code inbox} once {@code legacyName} has a local twin: seen, and no longer unset. Without a seen record (a
   * skeleton from before it) none is started here: one holding this name alone would make every other name new.
   */
  static Map<String, String> withSetUp(Map<String, String> inbox, String legacyName) {
    String name = LegacyFolder.key(legacyName);
    Map<String, String> out = new TreeMap<>(inbox);
    for (Map.Entry<String, String> e : inbox.entrySet()) {
      if (UNSET.matcher(e.getKey()).matches() && LegacyFolder.key(e.getValue()).equals(name)) {
        out.remove(e.getKey());
        out.remove(e.getKey() + REASON);
      }
    }
    if (seen(inbox).map(s -> !s.contains(name)).orElse(false)) {
      long next = 1;
      for (String k : inbox.keySet()) {
        Matcher m = SEEN.matcher(k);
        if (m.matches()) {
          next = Math.max(next, Long.parseLong(m.group(1)) + 1);
        }
      }
      out.put(SEEN_PREFIX + next, name);
    }
    return out;
  }

  /** {@code inbox} after a refresh at {@code now} that listed {@code seen} and could not set up {@code unset}. */
  static Map<String, String> withRefresh(Map<String, String> inbox, Instant now, Collection<String> seen,
      Map<String, String> unset) {
    Map<String, String> out = new TreeMap<>(inbox);
    out.keySet().removeIf(k -> k.startsWith(SEEN_PREFIX) || k.startsWith(UNSET_PREFIX) || k.equals(LOCAL_ONLY));
    out.put(BUILT, now.toString());
    int i = 0;
    for (String name : new TreeSet<>(seen)) {
      out.put(SEEN_PREFIX + ++i, LegacyFolder.key(name));
    }
    i = 0;
    for (Map.Entry<String, String> e : unset.entrySet()) {
      out.put(UNSET_PREFIX + ++i, e.getKey());
      out.put(UNSET_PREFIX + i + REASON, MigrationState.oneLine(e.getValue()));
    }
    return out;
  }
}
