package dovetail.migrator.service;

import dovetail.conf.Settings;
import dovetail.migrator.copy.LegacyEndpoints;
import dovetail.migrator.source.LegacyImapEndpoint;
import dovetail.migrator.source.LegacyPop3Endpoint;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the service logs in to the legacy servers for a user (DESIGN, "Credentials"): the master user
 * ({@code imapc_master_user} with {@code imapc_password}) when configured; otherwise the password the user
 * gave at a Dovetail login, held in this object's memory only (never written, never logged); otherwise
 * {@code imapc_password} as the user's own password, as Dovecot reads it without a master user (a
 * single-user configuration, or the demo). The same choice is made for {@code pop3c_*}.
 */
final class LegacyLogins {
  /** The logins of one user. */
  record Endpoints(LegacyImapEndpoint imap, Optional<LegacyPop3Endpoint> pop3) {}

  private final Settings settings;
  private final Map<String, String> passwords = new ConcurrentHashMap<>();

  LegacyLogins(Settings settings) {
    this.settings = settings;
  }

  void remember(String user, String password) {
    if (password != null && !password.isEmpty()) {
      passwords.put(user, password);
    }
  }

  /** @throws MigrationUnavailableException when there are no credentials for this user, or no legacy server */
  Endpoints forUser(String user) throws MigrationUnavailableException {
    Settings effective = settings;
    String own = passwords.get(user);
    boolean master = settings.imapc().masterUser().filter(m -> !m.isEmpty()).isPresent();
    if (!master) {
      if (own != null) {
        effective = withPasswords(settings, own);
      } else if (settings.imapc().password().filter(p -> !p.isEmpty()).isEmpty()) {
        throw new MigrationUnavailableException("no credentials for the legacy server for " + user
            + ": configure imapc_master_user and imapc_password, or the user must log in to Dovetail first");
      }
    }
    try {
      return new Endpoints(LegacyEndpoints.imap(effective, user), LegacyEndpoints.pop3(effective, user));
    } catch (IllegalArgumentException e) {
      throw new MigrationUnavailableException("the legacy server cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * The settings with the user's own password for IMAP and for POP3 (where no POP3 master user is set).
   * LegacyEndpoints is the one place that turns settings into endpoints, so the password goes in through the
   * settings; the records are copied by component name, so that settings added later are carried along.
   */
  private static Settings withPasswords(Settings s, String password) {
    Record pop3c = s.pop3c().masterUser().filter(m -> !m.isEmpty()).isPresent()
        ? s.pop3c() : copy(s.pop3c(), "password", Optional.of(password));
    return copy(copy(s, "imapc", copy(s.imapc(), "password", Optional.of(password))), "pop3c", pop3c);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Record> T copy(T r, String component, Object value) {
    RecordComponent[] components = r.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        args[i] = components[i].getName().equals(component) ? value : components[i].getAccessor().invoke(r);
      }
      return (T) r.getClass().getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy " + r.getClass().getSimpleName(), e);
    }
  }
}
