package dovetail.store.maildir;

import dovetail.store.MailStore;
import dovetail.store.ModifiedUtf7;
import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code subscriptions} file (subscription-file.c). Version 2: {@code "V\t2\n\n"}, then one storage name a
 * line with hierarchy levels separated by TAB, each level modified UTF-7 and tab-escaped. Version 1 (no header)
 * uses '.' between levels. Rewritten whole under the {@code subscriptions.lock} dotlock (stale after 30 s).
 */
final class Subscriptions {
  static final String FILE = "subscriptions";
  private static final String HEADER = "V\t2\n\n";
  /** SUBSCRIPTION_FILE_CHANGE_TIMEOUT in subscription-file.c. */
  private static final Duration STALE_AFTER = Duration.ofSeconds(30);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

  private Subscriptions() {}

  static Set<String> read(Path root) {
    String text;
    try {
      text = Files.readString(root.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new LinkedHashSet<>();
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot read " + root.resolve(FILE) + ": " + e.getMessage(), e);
    }
    boolean v2 = text.startsWith("V\t2\n");
    List<String> lines = text.lines().toList();
    Set<String> names = new LinkedHashSet<>();
    for (int i = v2 ? 1 : 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isEmpty()) {
        continue;
      }
      String[] levels = v2 ? line.split("\t", -1) : line.split("\\.", -1);
      StringBuilder name = new StringBuilder();
      for (String level : levels) {
        String raw = v2 ? tabUnescape(level) : level;
        String decoded = ModifiedUtf7.decodeOrNull(raw);
        if (name.length() > 0) {
          name.append(MailStore.SEPARATOR);
        }
        name.append(decoded == null ? raw : decoded);
      }
      names.add(MaildirLayout.canonical(name.toString()));
    }
    return names;
  }

  static void write(Path root, Set<String> names, FileWrites fsync) {
    StringBuilder out = new StringBuilder(HEADER);
    for (String name : names) {
      String[] levels = MaildirLayout.isInbox(name) ? new String[] {MailStore.INBOX}
          : name.split(String.valueOf(MailStore.SEPARATOR), -1);
      for (int i = 0; i < levels.length; i++) {
        if (i > 0) {
          out.append('\t');
        }
        out.append(tabEscape(ModifiedUtf7.encode(levels[i])));
      }
      out.append('\n');
    }
    fsync.replace(root.resolve(FILE), root.resolve(FILE + ".tmp"), out.toString().getBytes(StandardCharsets.UTF_8));
  }

  static void update(Path root, String folder, boolean subscribed, FileWrites fsync) {
    FolderLock lock = FolderLock.of(root.resolve(FILE + ".lock"), root.resolve(FILE), STALE_AFTER, fsync.owner());
    lock.write(LOCK_TIMEOUT, () -> {
      Set<String> names = read(root);
      String canonical = MaildirLayout.canonical(folder);
      boolean changed = subscribed ? names.add(canonical) : names.remove(canonical);
      if (changed) {
        write(root, names, fsync);
      }
      return null;
    });
  }

  /** str_append_tabescaped: \001 -> \0011, \t -> \001t, \r -> \001r, \n -> \001n. */
  static String tabEscape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\001' -> out.append("\0011");
        case '\t' -> out.append("\001t");
        case '\r' -> out.append("\001r");
        case '\n' -> out.append("\001n");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String tabUnescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\001' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        out.append(switch (n) {
          case '1' -> '\001';
          case 't' -> '\t';
          case 'r' -> '\r';
          case 'n' -> '\n';
          default -> n;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
