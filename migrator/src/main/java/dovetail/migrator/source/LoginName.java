package dovetail.migrator.source;

import dovetail.conf.UserTemplate;

/** Builds the login name from imapc_user and imapc_master_user, as Dovecot does. */
final class LoginName {
  /** Dovecot's auth_master_user_separator as the migration guide configures it. */
  static final char MASTER_SEPARATOR = '*';

  private LoginName() {}

  /** imapc_user / pop3c_user for {@code user}; the conf module checked the template's variables. */
  static String expand(String template, String user) {
    return UserTemplate.expand(template, user);
  }

  /** Dovecot's master-user login name: {@code user*master}. */
  static String withMaster(String login, String masterUser) {
    return login + MASTER_SEPARATOR + masterUser;
  }
}
