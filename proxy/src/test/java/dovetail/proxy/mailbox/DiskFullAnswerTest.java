package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.apache.james.mailbox.MailboxSession;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;

/**
 * Which store failures are a full disk: the JDK's IOException for ENOSPC or EDQUOT, however deep in the causes, and
 * how a write's failure becomes the refusal the IMAP layer answers ({@code NO [OVERQUOTA]} or {@code [SERVERBUG]}).
 */
class DiskFullAnswerTest {
  @Test
  void noSpaceAndQuotaExceededAreADiskFullAndOtherIoErrorsAreNot() {
    assertTrue(DiskFull.is(new StoreException(StoreError.IO, "cannot write message",
        new IOException("No space left on device"))));
    assertTrue(DiskFull.is(new FileSystemException("/mail/alice/tmp/1.M1", null, "Disk quota exceeded")));
    assertFalse(DiskFull.is(new StoreException(StoreError.IO, "cannot write state",
        new AccessDeniedException("/mail/alice/dovetail-state"))));
    assertFalse(DiskFull.is(new IOException((String) null)));
    assertFalse(DiskFull.is(null));
  }

  @Test
  void aWritesIoFailureIsNotedAsARefusalAndTheClientsMistakesAreNot() {
    MailboxSession session = new MailboxSession(MailboxSession.SessionId.of(1), Username.of("alice"),
        Optional.of(Username.of("alice")), List.of(Locale.ROOT), '.', MailboxSession.SessionType.User);
    StoreException full = new StoreException(StoreError.IO, "cannot write", new IOException("No space left on device"));
    assertEquals(StoreRefusal.Reason.DISK_FULL, ((StoreRefusal) StoreErrors.forWrite(full, "INBOX", session)).reason());
    assertEquals(StoreRefusal.Reason.DISK_FULL, StoreRefusal.of(session).orElseThrow().reason());
    StoreRefusal.forget(session);
    StoreException denied = new StoreException(StoreError.IO, "cannot write", new AccessDeniedException("/x"));
    assertEquals(StoreRefusal.Reason.STORE_FAILURE, ((StoreRefusal) StoreErrors.forWrite(denied, "INBOX", session)).reason());
    StoreRefusal.forget(session);
    StoreException missing = new StoreException(StoreError.NOT_FOUND, "no such folder");
    assertFalse(StoreErrors.forWrite(missing, "Nope", session) instanceof StoreRefusal);
    assertTrue(StoreRefusal.of(session).isEmpty());
  }
}
