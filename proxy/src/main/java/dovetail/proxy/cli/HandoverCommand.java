package dovetail.proxy.cli;

import dovetail.conf.Settings;
import dovetail.migrator.service.KnownUsers;
import dovetail.migrator.service.StoredStatus;
import dovetail.migrator.service.UserStatus;
import dovetail.proxy.handover.HandoverScript;
import dovetail.proxy.handover.ModSeqFloors;
import dovetail.proxy.lmtp.LmtpSpools;
import dovetail.proxy.server.UnixSocketFile;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreException;
import dovetail.store.StoreOptions;
import dovetail.store.maildir.MaildirStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code handover -c FILE [-u USER]...}: prints the sh script that, run before stock Dovecot first opens the store,
 * keeps every folder's mod-sequences above what Dovetail and the legacy server showed. Reads the stores offline and
 * writes nothing. Exit 0 with the script on stdout, 2 (and no script) when a store cannot be read, holds mail but
 * no {@code dovetail-state} (removed before handover ran: a script that raised nothing would pass for success), or
 * has an LMTP spool that still holds mail (Dovecot never reads it).
 */
@Command(name = "handover", mixinStandardHelpOptions = true,
    description = "Print the sh script that carries each folder's mod-sequences over to stock Dovecot (run it as "
        + "root after Dovetail stops, before Dovecot starts).")
final class HandoverCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ConfigOptions config;

  @CommandLine.Option(names = "-u", converter = UserNameConverter.class, paramLabel = "USER",
      description = "user (repeatable; default: every user whose store exists)")
  List<String> users = new ArrayList<>();

  @CommandLine.Option(names = "--dovecot-config", paramLabel = "FILE", defaultValue = "/etc/dovecot/dovecot.conf",
      description = "stock Dovecot's configuration, written into the script (default: ${DEFAULT-VALUE})")
  Path dovecotConfig;

  @CommandLine.Option(names = "--separator", paramLabel = "CHAR", defaultValue = ".",
      description = "the hierarchy separator of Dovecot's inbox namespace (default: ${DEFAULT-VALUE})")
  char separator;

  @CommandLine.Option(names = "--allow-incomplete",
      description = "hand over users whose migration is not complete (what is left stays on the legacy server)")
  boolean allowIncomplete;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Settings settings = config.load(err);
    String value = settings.store().mailLocation();
    List<ModSeqFloors.Floor> floors = new ArrayList<>();
    List<String> spooled = new ArrayList<>();
    try {
      if (value.toUpperCase(Locale.ROOT).contains(":INDEX=")) {
        // The floor lives in Dovecot's index; the script looks for it, and puts it, beside the messages.
        throw new IllegalArgumentException("mail_location with INDEX= is not supported: " + value);
      }
      if (UnixSocketFile.answers(settings.adminSocket())) {
        // A running serve goes on handing out mod-sequences above the floors this script would set.
        throw new IllegalArgumentException("serve is still running (admin_socket " + settings.adminSocket()
            + " answers): stop it first (README, cut-over step 10)");
      }
      MailLocation location = MailLocation.parse(value);
      boolean migrating = settings.imapc().configured();
      List<String> unfinished = new ArrayList<>();
      if (migrating && users.isEmpty() && settings.sweeper().usersFile().isPresent()) {
        for (String user : KnownUsers.listedIn(settings.sweeper().usersFile().get(), new java.util.HashSet<>())) {
          if (!Files.isDirectory(location.rootFor(user))) {
            unfinished.add(user + ": never migrated (listed in sweeper_users, no store)");
          }
        }
      }
      for (String user : users.isEmpty() ? location.users() : users) {
        Path root = location.rootFor(user);
        if (!Files.isDirectory(root.resolve("cur")) || !Files.isDirectory(root.resolve("new"))
            || !Files.isDirectory(root.resolve("tmp"))) {
          throw new IllegalArgumentException(user + ": no store at " + root); // opening it would create one
        }
        MailStore store = MaildirStore.forUser(location, user, StoreOptions.DEFAULT);
        if (ModSeqFloors.stateRemoved(store)) {
          throw new IllegalArgumentException(user + ": the store holds mail but no folder has a dovetail-state, so what"
              + " Dovetail showed is not known (they are removed only after handover, README cut-over step 10):"
              + " restore them from a backup; leave out with -u a user Dovetail never served");
        }
        floors.addAll(ModSeqFloors.of(user, store, separator));
        UserStatus status = StoredStatus.of(user, store);
        if (migrating && !status.complete()) {
          unfinished.add(user + ": " + String.join(", ", status.left()));
        }
        if (LmtpSpools.holdMail(root)) {
          spooled.add(user);
        }
      }
      if (!unfinished.isEmpty()) {
        // Dovecot would serve these users without the rest of their legacy mail (walk-through 20, F4).
        String list = String.join("; ", unfinished);
        if (!allowIncomplete) {
          throw new IllegalArgumentException("the migration is not complete: " + list + ". Stock Dovecot would serve"
              + " these users without the rest of their legacy mail: finish them (serve, then dovetail migrate -u USER"
              + " --wait; status shows what is left), hand over only the finished users (-u USER for each), or accept it"
              + " with --allow-incomplete"
              + " (README, cut-over steps 7 and 10)");
        }
        err.println("dovetail handover: not complete, handed over as asked (--allow-incomplete): " + list);
      }
      if (!spooled.isEmpty()) {
        // Dovecot never reads the spool: what waits there would be lost to the user once Dovecot takes over.
        throw new IllegalArgumentException(String.join(", ", spooled) + ": the LMTP spool (" + LmtpSpools.DIR
            + "/ in the Maildir) still holds mail not yet in INBOX, which Dovecot never reads: start serve again and"
            + " let it append it (within a minute when INBOX is complete; otherwise run dovetail migrate -u USER"
            + " --wait), stop serve and run handover again (README, cut-over step 9)");
      }
    } catch (StoreException | IllegalArgumentException | java.io.UncheckedIOException | java.io.IOException e) {
      err.println("dovetail handover: " + e.getMessage());
      err.flush();
      return EXIT_FAILED;
    }
    out.print(HandoverScript.render(floors, dovecotConfig.toAbsolutePath()));
    out.flush();
    return 0;
  }
}
