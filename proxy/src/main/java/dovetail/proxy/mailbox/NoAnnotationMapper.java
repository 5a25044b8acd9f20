package dovetail.proxy.mailbox;

import java.util.List;
import java.util.Set;
import org.apache.james.mailbox.model.MailboxAnnotation;
import org.apache.james.mailbox.model.MailboxAnnotationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;

/**
 * Folders carry no annotations (METADATA is not advertised: Dovecot keeps them in a dict the store does not
 * have). Reads find none; writes are refused.
 */
final class NoAnnotationMapper implements AnnotationMapper {
  @Override
  public List<MailboxAnnotation> getAllAnnotations(MailboxId mailboxId) {
    return List.of();
  }

  @Override
  public List<MailboxAnnotation> getAnnotationsByKeys(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
    return List.of();
  }

  @Override
  public List<MailboxAnnotation> getAnnotationsByKeysWithOneDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
    return List.of();
  }

  @Override
  public List<MailboxAnnotation> getAnnotationsByKeysWithAllDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
    return List.of();
  }

  @Override
  public void deleteAnnotation(MailboxId mailboxId, MailboxAnnotationKey key) {
    // Nothing is stored, so nothing to delete.
  }

  @Override
  public void insertAnnotation(MailboxId mailboxId, MailboxAnnotation mailboxAnnotation) {
    throw new UnsupportedOperationException("annotations are not stored");
  }

  @Override
  public boolean exist(MailboxId mailboxId, MailboxAnnotation mailboxAnnotation) {
    return false;
  }

  @Override
  public int countAnnotations(MailboxId mailboxId) {
    return 0;
  }
}
