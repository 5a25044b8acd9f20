package dovetail.proxy.admin;

import dovetail.migrator.service.LateMailReport;
import dovetail.migrator.service.MigrationUnavailableException;
import dovetail.migrator.service.Migrations;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sync user [folders]} ({@code dovetail sync -1}, issue #8): checks the user's migrated folders for mail that
 * reached the legacy server after their migration, merges it now, and answers what came. It waits for the end; the
 * checks are one STATUS per folder, plus the late messages, and for the whole user one LIST: legacy folders made since
 * the skeleton are set up and migrated then, as {@code migrate} does.
 */
final class SyncVerb implements AdminVerb {
  private static final Logger LOG = LoggerFactory.getLogger(SyncVerb.class);

  private final Migrations migrations;

  SyncVerb(Migrations migrations) {
    this.migrations = migrations;
  }

  @Override
  public void answer(Request request, Replies replies) throws BadRequest, IOException {
    String user = request.requiredUser();
    List<String> folders = request.texts("folders");
    LOG.info("admin: sync {}", folders.isEmpty() ? "all migrated folders" : folders);
    LateMailReport report;
    try {
      // The check waits, silently, for a folder another process holds (a backup copying it): said at once.
      report = migrations.syncLateMail(user, folders, notice -> tell(replies, notice));
    } catch (MigrationUnavailableException e) {
      throw new BadRequest(e.getMessage());
    }
    LOG.info("admin: sync of {}: {} late messages merged{}{}", user, report.merged(),
        report.newFolders().isEmpty() ? "" : "; new legacy folders migrated: " + report.newFolders().size(),
        report.abortReason().map(r -> "; stopped: " + r).orElse(""));
    replies.result(AdminJson.synced(report));
  }

  private static void tell(Replies replies, String notice) {
    try {
      replies.progress(AdminJson.notice(notice));
    } catch (IOException e) {
      // the client went away (Ctrl-C): the check goes on, as migrate's does
    }
  }
}
