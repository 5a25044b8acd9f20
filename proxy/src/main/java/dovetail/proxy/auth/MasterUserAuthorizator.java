package dovetail.proxy.auth;

import dovetail.store.MailLocation;
import dovetail.store.StoreException;
import java.util.function.Predicate;
import org.apache.james.core.Username;
import org.apache.james.mailbox.Authorizator;

/**
 * Who may act as another user (SASL authzid, {@code user*master}): a master user of {@code master_passdb}, for a
 * user that exists; nobody else, ever. The master user's password was checked before this is asked
 * ({@link MasterLoginSessions}).
 */
final class MasterUserAuthorizator implements Authorizator {
  private final MasterPasswords masters;
  private final Predicate<String> userExists;

  /** @param userExists whether a login as this user is possible at all (a passwd-file has it; any valid name for legacy) */
  MasterUserAuthorizator(MasterPasswords masters, Predicate<String> userExists) {
    this.masters = masters;
    this.userExists = userExists;
  }

  @Override
  public AuthorizationState canLoginAsOtherUser(Username userId, Username otherUserId) {
    if (userId.equals(otherUserId)) {
      return AuthorizationState.ALLOWED;
    }
    if (!masters.isMaster(userId.asString())) {
      return AuthorizationState.FORBIDDEN;
    }
    String other = otherUserId.asString();
    try {
      MailLocation.checkUserName(other);
    } catch (StoreException e) {
      return AuthorizationState.UNKNOWN_USER;
    }
    return userExists.test(other) ? AuthorizationState.ALLOWED : AuthorizationState.UNKNOWN_USER;
  }
}
