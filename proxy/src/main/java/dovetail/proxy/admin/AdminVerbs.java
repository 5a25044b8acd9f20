package dovetail.proxy.admin;

import dovetail.migrator.service.Migrations;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The verbs the admin socket answers, by name. A new verb is one more entry here. */
final class AdminVerbs {
  private final Map<String, AdminVerb> byName;

  AdminVerbs(Migrations migrations, Duration pollEvery) {
    this.byName = Map.of(
        AdminProtocol.MIGRATE, new MigrateVerb(migrations, pollEvery),
        AdminProtocol.STATUS, new StatusVerb(migrations),
        AdminProtocol.SWEEPER, new SweeperVerb(migrations),
        AdminProtocol.SYNC, new SyncVerb(migrations));
  }

  Optional<AdminVerb> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** For the error line that answers an unknown verb. */
  String names() {
    return String.join(", ", byName.keySet().stream().sorted().toList());
  }
}
