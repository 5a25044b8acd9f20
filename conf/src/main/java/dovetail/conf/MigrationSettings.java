package dovetail.conf;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How folders are migrated.
 *
 * @param prefetchCount          {@code mail_prefetch_count}: message bodies fetched in parallel (0 = one at a time)
 * @param commitInterval         {@code dsync_commit_msgs_interval}: commit every N messages (0 = only at the end)
 * @param dsyncFeatures          {@code dsync_features}
 * @param maxConnectionsPerHost  {@code legacy_max_connections}: per legacy host, shared by all work
 * @param syncWindow             {@code legacy_sync_window}; {@link Duration#ZERO} = off
 */
public record MigrationSettings(int prefetchCount, int commitInterval, Set<DsyncFeature> dsyncFeatures,
                                int maxConnectionsPerHost, Duration syncWindow) {
    public MigrationSettings {
        dsyncFeatures = Set.copyOf(dsyncFeatures);
        Objects.requireNonNull(syncWindow, "syncWindow");
    }

    public boolean has(DsyncFeature feature) {
        return dsyncFeatures.contains(feature);
    }
}
