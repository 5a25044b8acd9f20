package dovetail.store.maildir;

import dovetail.store.MailboxPeek;
import dovetail.store.StoredMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link MailboxPeek} over a folder's view: the reads of {@link MaildirFolder} without its settling write. */
final class MaildirPeek implements MailboxPeek {
  private final MaildirFolder folder;

  MaildirPeek(MaildirFolder folder) {
    this.folder = folder;
  }

  @Override
  public String name() {
    return folder.name();
  }

  @Override
  public Path directory() {
    return folder.directory();
  }

  @Override
  public Map<String, String> dovetailState() {
    return DovetailStateFile.read(folder.directory());
  }

  @Override
  public List<StoredMessage> messages() {
    return folder.readAsIs(MaildirSync::messages);
  }

  @Override
  public List<Long> unnumbered() {
    return folder.readAsIs(sync -> {
      List<Long> sizes = new ArrayList<>();
      for (String rel : sync.unrecordedFiles()) {
        long size = sync.virtualSizeOf(rel);
        if (size >= 0) {
          sizes.add(size);
        }
      }
      return sizes;
    });
  }
}
