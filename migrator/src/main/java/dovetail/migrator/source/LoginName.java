package dovetail.migrator.source;

/**
 * Builds the login name from imapc_user and imapc_master_user, as Dovecot does: the template takes
 * {@code %u} (user), {@code %n} (its local part), {@code %d} (its domain) and their long forms
 * {@code %{user}}, {@code %{username}}, {@code %{domain}}; {@code %%} is a percent sign.
 */
final class LoginName {
  /** Dovecot's auth_master_user_separator as the migration guide configures it. */
  static final char MASTER_SEPARATOR = '*';

  private LoginName() {}

  static String expand(String template, String user) {
    int at = user.lastIndexOf('@');
    String local = at < 0 ? user : user.substring(0, at);
    String domain = at < 0 ? "" : user.substring(at + 1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c != '%' || i + 1 == template.length()) {
        out.append(c);
        continue;
      }
      char v = template.charAt(++i);
      switch (v) {
        case 'u' -> out.append(user);
        case 'n' -> out.append(local);
        case 'd' -> out.append(domain);
        case '%' -> out.append('%');
        case '{' -> {
          int close = template.indexOf('}', i);
          String name = close < 0 ? "" : template.substring(i + 1, close);
          switch (name) {
            case "user" -> out.append(user);
            case "username" -> out.append(local);
            case "domain" -> out.append(domain);
            default -> {
              out.append("%{");
              continue;
            }
          }
          i = close;
        }
        default -> out.append('%').append(v);
      }
    }
    return out.toString();
  }

  /** Dovecot's master-user login name: {@code user*master}. */
  static String withMaster(String login, String masterUser) {
    return login + MASTER_SEPARATOR + masterUser;
  }
}
