package dovetail.migrator.service;

import java.util.List;

/**
 * @param enabled   {@code sweeper = yes}
 * @param paused    paused by an admin
 * @param active    users being swept now
 * @param queued    users still to sweep, in order
 * @param completed users whose every folder is complete
 * @param messagesPerSecond the sweeper's recent rate
 */
public record SweeperStatus(boolean enabled, boolean paused, List<String> active, List<String> queued,
    int completed, double messagesPerSecond) {
  public SweeperStatus {
    active = List.copyOf(active);
    queued = List.copyOf(queued);
  }
}
