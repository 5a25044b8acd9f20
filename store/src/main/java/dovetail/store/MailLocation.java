package dovetail.store;

import dovetail.conf.UserTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dovecot's {@code mail_location = maildir:/var/vmail/%d/%n/Maildir}: where each user's store lives.
 * Variables are conf's {@link UserTemplate} (%u, %n, %d, %%, ...). Options after the path (":INDEX=...")
 * that only move Dovecot's own index are accepted and ignored; options that move control files are refused,
 * because Dovetail keeps the control files beside the messages.
 */
public final class MailLocation {
  private final String template;

  private MailLocation(String template) {
    this.template = template;
  }

  /** @throws IllegalArgumentException with a message fit for a configuration error */
  public static MailLocation parse(String value) {
    String v = value.trim();
    if (!v.startsWith("maildir:")) {
      throw new IllegalArgumentException("only maildir: is supported, as in maildir:/var/vmail/%d/%n/Maildir");
    }
    String[] parts = v.substring("maildir:".length()).split(":");
    String path = parts[0];
    if (path.isEmpty() || !(path.startsWith("/") || path.startsWith("~"))) {
      throw new IllegalArgumentException("the maildir path must be absolute: " + value);
    }
    if (!UserTemplate.namesUser(path)) {
      throw new IllegalArgumentException("the maildir path must name the user (%u or %n), or every user shares one "
          + "store: " + value);
    }
    for (int i = 1; i < parts.length; i++) {
      String option = parts[i].toUpperCase(Locale.ROOT);
      if (!(option.startsWith("INDEX=") || option.equals("LAYOUT=MAILDIR++") || option.startsWith("VOLATILEDIR="))) {
        throw new IllegalArgumentException("unsupported mail_location option: " + parts[i]);
      }
    }
    return new MailLocation(path);
  }

  /** The user's Maildir root. User names that could escape the template's directory are refused. */
  public Path rootFor(String user) {
    checkUserName(user);
    String path = UserTemplate.expand(template, user);
    if (path.startsWith("~")) {
      throw new IllegalArgumentException("~ in mail_location needs a home directory; use an absolute path");
    }
    return Path.of(path.replaceAll("/+", "/")).normalize();
  }

  /**
   * The users whose store exists: the template's directories are walked, each level that holds a variable
   * ({@code /var/vmail/%d/%n/Maildir}, {@code /srv/%u/Maildir}) read for the names it can stand for. A user
   * is listed when its Maildir root is a directory and {@link #rootFor} leads back to exactly that directory
   * (a user without domain under {@code %d/%n} lives one level higher, as Dovecot's expansion puts it).
   * Sorted; empty for a {@code ~} template.
   */
  public List<String> users() {
    if (template.startsWith("~")) {
      return List.of();
    }
    List<String> levels = new ArrayList<>();
    for (String level : template.split("/+")) {
      if (!level.isEmpty()) {
        // The markers survive %L/%U, so the template's own grammar (conf) finds the variables.
        levels.add(UserTemplate.expand(level, NAME + "@" + DOMAIN));
      }
    }
    TreeSet<String> users = new TreeSet<>();
    walk(Path.of("/"), levels, 0, null, null, users);
    return List.copyOf(users);
  }

  private static final char NAME = '\u0001';
  private static final char DOMAIN = '\u0002';

  private void walk(Path dir, List<String> levels, int i, String name, String domain, TreeSet<String> out) {
    if (i == levels.size()) {
      if (name == null || !Files.isDirectory(dir)) {
        return;
      }
      String user = domain == null || domain.isEmpty() ? name : name + "@" + domain;
      if (user.isEmpty()) {
        return;
      }
      try {
        if (rootFor(user).equals(dir.normalize())) {
          out.add(user);
        }
      } catch (StoreException | IllegalArgumentException notAUser) {
        // a directory whose name no user could have
      }
      return;
    }
    String level = levels.get(i);
    if (level.indexOf(NAME) < 0 && level.indexOf(DOMAIN) < 0) {
      walk(dir.resolve(level), levels, i + 1, name, domain, out);
      return;
    }
    if (level.equals(String.valueOf(DOMAIN)) && (domain == null || domain.isEmpty())) {
      walk(dir, levels, i + 1, name, "", out); // "%d/" of a user without domain expands to nothing
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    Level pattern = Level.of(level);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path entry : entries) {
        Matcher m = pattern.regex().matcher(entry.getFileName().toString());
        String[] bound = {name, domain};
        if (m.matches() && pattern.bind(m, bound)) {
          walk(entry, levels, i + 1, bound[0], bound[1], out);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * One directory level of the template as a regex, its groups in order, each the user part ('n') or the
   * domain part ('d'); %u is "name" or "name@domain".
   */
  private record Level(Pattern regex, String parts) {
    static Level of(String level) {
      StringBuilder regex = new StringBuilder();
      StringBuilder parts = new StringBuilder();
      String both = NAME + "@" + DOMAIN;
      for (int i = 0; i < level.length(); i++) {
        char c = level.charAt(i);
        if (level.startsWith(both, i)) {
          regex.append("([^@]+)(?:@(.+))?");
          parts.append("nd");
          i += both.length() - 1;
        } else if (c == NAME) {
          regex.append("([^@]+)");
          parts.append('n');
        } else if (c == DOMAIN) {
          regex.append("(.*)");
          parts.append('d');
        } else {
          regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return new Level(Pattern.compile(regex.toString()), parts.toString());
    }

    /** Adds the match's values to {name, domain}; false when a value disagrees with an earlier level's. */
    boolean bind(Matcher m, String[] bound) {
      for (int g = 0; g < parts.length(); g++) {
        int slot = parts.charAt(g) == 'n' ? 0 : 1;
        String value = m.group(g + 1) == null ? "" : m.group(g + 1);
        if (bound[slot] == null) {
          bound[slot] = value;
        } else if (!bound[slot].equalsIgnoreCase(value)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The one spelling of a user name: lower case, as Dovecot's default {@code auth_username_format = %Lu} and James's
   * {@code Username} (every IMAP and POP3 login) make it. "Alice" from an MTA or a command line is then the same
   * user, store and lock as the "alice" who logs in, never a second store migrated again.
   */
  public static String canonicalUser(String user) {
    return user.toLowerCase(Locale.ROOT);
  }

  /** @throws StoreException (INVALID_NAME) with {@link #userNameProblem}'s text */
  public static void checkUserName(String user) {
    Optional<String> problem = userNameProblem(user);
    if (problem.isPresent()) {
      throw new StoreException(StoreError.INVALID_NAME, problem.get());
    }
  }

  /**
   * Why no store can have this user name (one that could leave the template's directory, or that no login could
   * have), in one line that quotes the name, e.g. {@code invalid user name '../alice': '/' is not allowed}. The one
   * rule for every place a name comes in: logins, admin commands, {@code -u}, {@code sweeper_users}.
   */
  public static Optional<String> userNameProblem(String user) {
    if (user == null || user.isEmpty()) {
      return Optional.of("invalid user name: empty");
    }
    if (user.length() > 255) {
      return Optional.of("invalid user name: longer than 255 characters");
    }
    String quoted = "invalid user name '" + printable(user) + "': ";
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c == ' ') {
        return Optional.of(quoted + "a space is not allowed");
      }
      if (c < 0x20 || c == 0x7f) {
        return Optional.of(quoted + String.format(Locale.ROOT, "control character U+%04X is not allowed", (int) c));
      }
      if (c == '/' || c == '\\') {
        return Optional.of(quoted + "'" + c + "' is not allowed");
      }
    }
    if (user.indexOf('@') != user.lastIndexOf('@')) {
      return Optional.of(quoted + "more than one '@'");
    }
    int at = user.lastIndexOf('@');
    String local = at < 0 ? user : user.substring(0, at);
    String domain = at < 0 ? "x" : user.substring(at + 1);
    if (local.isEmpty()) {
      return Optional.of(quoted + "nothing before '@'");
    }
    if (domain.isEmpty()) {
      return Optional.of(quoted + "nothing after '@'");
    }
    if (local.startsWith(".") || domain.startsWith(".")) {
      return Optional.of(quoted + (local.startsWith(".") ? "it" : "its domain") + " may not start with '.'");
    }
    return Optional.empty();
  }

  /** The name on one line: control characters as escapes, so a quoted name never breaks a log or an answer. */
  private static String printable(String user) {
    StringBuilder out = new StringBuilder(user.length());
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "\\x%02x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "maildir:" + template;
  }
}
