package dovetail.migrator.service;

import java.util.List;

/**
 * @param enabled   {@code sweeper = yes}
 * @param paused    paused by an admin
 * @param active    users being swept now
 * @param held      users whose sweep waits for a resume (paused: what was in flight finished)
 * @param queued    users still to sweep, in order
 * @param waiting   users this round left incomplete (the legacy server was unavailable): the next round retries them
 * @param nextRoundSeconds seconds until the next round while the sweeper waits between rounds, else -1
 * @param completed users whose every folder is complete
 * @param messagesPerSecond the sweeper's recent rate, 0 while it migrates nobody
 */
public record SweeperStatus(boolean enabled, boolean paused, List<String> active, List<String> held,
    List<String> queued, List<String> waiting, long nextRoundSeconds, int completed, double messagesPerSecond) {
  public SweeperStatus {
    active = List.copyOf(active);
    held = List.copyOf(held);
    queued = List.copyOf(queued);
    waiting = List.copyOf(waiting);
  }
}
