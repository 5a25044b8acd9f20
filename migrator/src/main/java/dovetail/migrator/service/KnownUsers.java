package dovetail.migrator.service;

import dovetail.store.MailLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users the process knows (DESIGN, "Sweeper"): the {@code sweeper_users} file (read again on every call,
 * so an operator may add users while the server runs), the users whose store exists, and the users seen at
 * a login or in an admin command. In that order, without repeats.
 */
public final class KnownUsers {
  private static final Logger LOG = LoggerFactory.getLogger(KnownUsers.class);

  private final Optional<Path> usersFile;
  private final MailLocation location;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  KnownUsers(Optional<Path> usersFile, MailLocation location) {
    this.usersFile = usersFile;
    this.location = location;
  }

  /** @return whether the user was not seen before */
  boolean add(String user) {
    return seen.add(user);
  }

  /** Drops a user seen only in a command that turned out to name nobody (a user the legacy server refused). */
  void forget(String user) {
    seen.remove(user);
  }

  List<String> all() {
    Set<String> users = new LinkedHashSet<>(fromFile());
    try {
      users.addAll(location.users());
    } catch (UncheckedIOException e) {
      LOG.warn("cannot list the users in {}: {}", location, e.getMessage());
    }
    users.addAll(new java.util.TreeSet<>(seen));
    return List.copyOf(users);
  }

  private List<String> fromFile() {
    if (usersFile.isEmpty()) {
      return List.of();
    }
    try {
      return listedIn(usersFile.get(), warned);
    } catch (IOException e) {
      LOG.warn("sweeper_users: cannot read {}: {}", usersFile.get(), e.getMessage());
      return List.of();
    }
  }

  /**
   * The users a {@code sweeper_users} file lists: one address per line; blank lines and lines starting with '#' are
   * skipped, and so is a name no store can have (logged once per name in {@code warned}).
   */
  public static List<String> listedIn(Path file, Set<String> warned) throws IOException {
    List<String> users = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String user = MailLocation.canonicalUser(line);
      Optional<String> problem = MailLocation.userNameProblem(user);
      if (problem.isEmpty()) {
        users.add(user);
      } else if (warned.add(user)) {
        LOG.warn("sweeper_users: {} line {}: {}; skipped", file, i + 1, problem.get());
      }
    }
    return users;
  }
}
