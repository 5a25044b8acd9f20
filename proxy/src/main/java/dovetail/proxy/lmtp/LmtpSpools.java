package dovetail.proxy.lmtp;

import java.nio.file.Path;

/** The LMTP spools as seen from outside delivery ({@code handover}, with serve stopped): read only, creating nothing. */
public final class LmtpSpools {
  /** The spool directory's name inside a user's Maildir. */
  public static final String DIR = UserSpool.DIR;

  private LmtpSpools() {}

  /** Whether the spool of the Maildir at {@code maildirRoot} holds a message or an unfinished drain. */
  public static boolean holdMail(Path maildirRoot) {
    return UserSpool.holdsMail(maildirRoot);
  }
}
