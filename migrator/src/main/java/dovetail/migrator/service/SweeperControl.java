package dovetail.migrator.service;

/** {@code dovetail sweeper pause|resume|status}. */
public interface SweeperControl {
  /** Stops taking new folders; migrations running now finish their folder. */
  void pause();

  void resume();

  SweeperStatus status();
}
