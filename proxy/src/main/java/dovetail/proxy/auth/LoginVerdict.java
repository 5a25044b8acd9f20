package dovetail.proxy.auth;

/**
 * A passdb's answer to a user's password. Three, not two: a passdb that cannot answer now (the legacy server is
 * unreachable) has not refused the password, and the client must hear the difference (Dovecot's "temporary
 * authentication failure"), or it asks its user for a new password.
 */
public enum LoginVerdict {
  ACCEPTED,
  REFUSED,
  UNAVAILABLE
}
