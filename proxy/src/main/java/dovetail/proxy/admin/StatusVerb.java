package dovetail.proxy.admin;

import dovetail.migrator.service.Migrations;
import dovetail.migrator.service.UserStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code status [user]}: one user's folders, or every known user's; see {@link AdminJson#status}. */
final class StatusVerb implements AdminVerb {
  private final Migrations migrations;

  StatusVerb(Migrations migrations) {
    this.migrations = migrations;
  }

  @Override
  public void answer(Request request, Replies replies) throws BadRequest, IOException {
    Optional<String> user = request.optionalText("user");
    List<String> users = user.map(List::of).orElseGet(migrations::knownUsers);
    List<UserStatus> statuses = new ArrayList<>(users.size());
    for (String u : users) {
      statuses.add(migrations.status(u));
    }
    replies.result(AdminJson.status(statuses));
  }
}
