package dovetail.conf;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The background sweeper.
 *
 * @param usersFile   {@code sweeper_users}: a file of user names, one per line (checked readable at load)
 * @param concurrency {@code sweeper_concurrency}: users migrated at once (at least 1)
 * @param rate        {@code sweeper_rate}: messages per second over all users; 0 = unlimited
 */
public record SweeperSettings(boolean enabled, Optional<Path> usersFile, int concurrency, int rate) {
    public SweeperSettings {
        Objects.requireNonNull(usersFile, "usersFile");
    }
}
