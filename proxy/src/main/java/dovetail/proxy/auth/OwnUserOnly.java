package dovetail.proxy.auth;

import org.apache.james.core.Username;
import org.apache.james.mailbox.Authorizator;

/** No user may act as another (SASL authzid): the master-user login comes with the legacy passdb, later. */
public final class OwnUserOnly implements Authorizator {
  @Override
  public AuthorizationState canLoginAsOtherUser(Username userId, Username otherUserId) {
    return userId.equals(otherUserId) ? AuthorizationState.ALLOWED : AuthorizationState.FORBIDDEN;
  }
}
