package dovetail.store.maildir;

import dovetail.store.Flags;
import dovetail.store.SystemFlag;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

import dovetail.store.StoreError;
import dovetail.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * dovecot-keywords (maildir-keywords.c): {@code <index> <name>} lines; index 0..25 is the filename letter
 * 'a'..'z'. Read without a lock; changed only while the folder's uidlist lock is held.
 */
final class MaildirKeywords {
  static final int MAX = 26;
  static final String FILE = "dovecot-keywords";

  private final String[] names = new String[MAX];
  /**
   * The flags of a file name's letters, one shared instance per combination ({@link #flagsOf}): a folder has a few
   * combinations and many files. Emptied when a letter gets a name ({@link #assign}).
   */
  private final Map<String, Flags> flagsByLetters = new HashMap<>();

  static MaildirKeywords read(Path folderDir) {
    MaildirKeywords k = new MaildirKeywords();
    List<String> lines;
    try {
      lines = Files.readAllLines(folderDir.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return k;
    } catch (IOException e) {
      throw new StoreException(StoreError.IO, "cannot read " + folderDir.resolve(FILE) + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      int space = line.indexOf(' ');
      if (space <= 0) {
        continue; // Dovecot skips broken lines too
      }
      try {
        int index = Integer.parseInt(line.substring(0, space));
        String name = line.substring(space + 1);
        if (index >= 0 && index < MAX && !name.isEmpty()) {
          k.names[index] = name;
        }
      } catch (NumberFormatException e) {
        // skip
      }
    }
    return k;
  }

  /** Keyword names for the letters in a filename's flags; unknown letters are ignored, as by Dovecot. */
  Set<String> namesOf(String flagLetters) {
    Set<String> out = null; // most messages have no keyword: no set for them
    for (char c : flagLetters.toCharArray()) {
      if (c >= 'a' && c <= 'z' && names[c - 'a'] != null) {
        if (out == null) {
          out = new TreeSet<>();
        }
        out.add(names[c - 'a']);
      }
    }
    return out == null ? Set.of() : out;
  }

  /** The system flags and keywords of a file name's flag letters (after ":2,"); unknown letters are ignored. */
  Flags flagsOf(String flagLetters) {
    Flags flags = flagsByLetters.get(flagLetters);
    if (flags == null) {
      Set<SystemFlag> system = EnumSet.noneOf(SystemFlag.class);
      for (int i = 0; i < flagLetters.length(); i++) {
        SystemFlag f = SystemFlag.ofLetter(flagLetters.charAt(i));
        if (f != null) {
          system.add(f);
        }
      }
      flags = Flags.of(system, namesOf(flagLetters));
      flagsByLetters.put(flagLetters, flags);
    }
    return flags;
  }

  /** Letters for {@code keywords}, or null when one of them has no letter yet. */
  String lettersOrNull(Collection<String> keywords) {
    StringBuilder out = new StringBuilder();
    for (String k : keywords) {
      int index = indexOf(k);
      if (index < 0) {
        return null;
      }
      out.append((char) ('a' + index));
    }
    return out.toString();
  }

  /**
   * Gives letters to new keywords; returns true when the file must be rewritten. All or none: a letter given
   * before the limit was hit would stay in memory only, and a later change using it would not write the file.
   */
  boolean assign(Collection<String> keywords, String folder) {
    List<String> added = new ArrayList<>();
    for (String k : keywords) {
      if (indexOf(k) < 0 && added.stream().noneMatch(k::equalsIgnoreCase)) {
        added.add(k);
      }
    }
    List<String> letters = Arrays.asList(names);
    int free = Collections.frequency(letters, null);
    if (added.size() > free) {
      throw new StoreException(StoreError.KEYWORD_LIMIT, "folder " + folder + " has no keyword letter left (at most "
          + MAX + "); cannot store keyword " + added.get(free));
    }
    for (String k : added) {
      names[letters.indexOf(null)] = k;
    }
    if (!added.isEmpty()) {
      flagsByLetters.clear();
    }
    return !added.isEmpty();
  }

  /** IMAP keywords are case-insensitive (RFC 3501 §2.3.2). */
  private int indexOf(String keyword) {
    for (int i = 0; i < MAX; i++) {
      if (names[i] != null && names[i].equalsIgnoreCase(keyword)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes the file through dovecot-keywords.lock plus rename, its mtime growing each time, as Dovecot does. */
  void write(Path folderDir, FileWrites fsync) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < MAX; i++) {
      if (names[i] != null) {
        out.append(i).append(' ').append(names[i]).append('\n');
      }
    }
    fsync.replaceWithGrowingMtime(folderDir.resolve(FILE), folderDir.resolve(FILE + ".lock"),
        out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Whether both give every letter the same name (a reread that changed nothing keeps the view). */
  boolean sameAs(MaildirKeywords other) {
    return other != null && Arrays.equals(names, other.names);
  }

  MaildirKeywords copy() {
    MaildirKeywords k = new MaildirKeywords();
    System.arraycopy(names, 0, k.names, 0, MAX);
    return k;
  }

  List<String> all() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }
}
