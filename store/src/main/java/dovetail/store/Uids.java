package dovetail.store;

/** UID and UIDVALIDITY limits (RFC 3501: nz-number, 32 bits; Dovecot stops at 2^32-2). */
public final class Uids {
  public static final long MAX_UID = 4294967294L;
  public static final long MAX_UIDVALIDITY = 4294967295L;

  private Uids() {}
}
