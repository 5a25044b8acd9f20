package dovetail.store;

import dovetail.conf.UserTemplate;
import java.nio.file.Path;
import java.util.Locale;

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

  public static void checkUserName(String user) {
    if (user == null || user.isEmpty() || user.length() > 255) {
      throw new StoreException(StoreError.INVALID_NAME, "invalid user name");
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < 0x21 || c == '/' || c == '\\' || c == 0x7f) {
        throw new StoreException(StoreError.INVALID_NAME, "invalid character in user name: " + user);
      }
    }
    if (user.indexOf('@') != user.lastIndexOf('@')) {
      throw new StoreException(StoreError.INVALID_NAME, "more than one '@' in user name: " + user);
    }
    String local = user.contains("@") ? user.substring(0, user.lastIndexOf('@')) : user;
    String domain = user.contains("@") ? user.substring(user.lastIndexOf('@') + 1) : "x";
    if (local.isEmpty() || local.startsWith(".") || domain.isEmpty() || domain.startsWith(".")) {
      throw new StoreException(StoreError.INVALID_NAME, "invalid user name: " + user);
    }
  }

  @Override
  public String toString() {
    return "maildir:" + template;
  }
}
