package dovetail.proxy.admin;

import dovetail.migrator.service.Migrations;
import dovetail.migrator.service.SweeperControl;
import java.io.IOException;

/** {@code sweeper pause|resume|status}: every action answers with the sweeper's status after it. */
final class SweeperVerb implements AdminVerb {
  static final String PAUSE = "pause";
  static final String RESUME = "resume";
  static final String STATUS = "status";

  private final Migrations migrations;

  SweeperVerb(Migrations migrations) {
    this.migrations = migrations;
  }

  @Override
  public void answer(Request request, Replies replies) throws BadRequest, IOException {
    String action = request.requiredText("action");
    SweeperControl sweeper = migrations.sweeper();
    switch (action) {
      case PAUSE -> sweeper.pause();
      case RESUME -> sweeper.resume();
      case STATUS -> { }
      default -> throw new BadRequest("unknown sweeper action '" + action + "'; expected pause, resume or status");
    }
    replies.result(AdminJson.sweeper(sweeper.status()));
  }
}
