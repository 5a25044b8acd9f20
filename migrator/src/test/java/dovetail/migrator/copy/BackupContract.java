package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.ConfigLoader;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.ImapProbe;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a backup must do whatever the legacy server is (STYLE item 5): the mailbox is filled over IMAP
 * (APPEND with flags and dates, EXPUNGE for gaps, CREATE, SUBSCRIBE), migrated, and compared message by
 * message with what the legacy server shows.
 */
abstract class BackupContract {
  /** A running legacy server. */
  interface Legacy extends AutoCloseable {
    int port();

    char separator();

    /** A client logged in as the user, for filling the mailbox and for reading it back. */
    ImapProbe probe();

    /** The configuration lines for logging in as the user (imapc_password, master user, ...). */
    List<String> loginSettings();

    @Override
    void close();
  }

  protected abstract Legacy startLegacy() throws Exception;

  /**
   * Whether the server's RFC822.SIZE is the size of what it sends. GreenMail reports the body's size only:
   * the copy stores the bytes served (with a warning), so only the sha256 can be compared there.
   */
  protected boolean reportsTrueSizes() {
    return true;
  }

  private Map<String, Views.FolderView> comparable(Map<String, Views.FolderView> views) {
    return reportsTrueSizes() ? views : Views.withoutSizes(views);
  }

  @TempDir Path tmp;
  private Legacy legacy;

  @BeforeEach
  void start() throws Exception {
    legacy = startLegacy();
  }

  @AfterEach
  void stop() {
    legacy.close();
  }

  private String nested(String... levels) {
    return String.join(String.valueOf(legacy.separator()), levels);
  }

  private void fill() {
    try (ImapProbe p = legacy.probe()) {
      for (String f : List.of("Entwürfe", "Tom & Jerry", nested("Archive", "2024"))) {
        p.create(f);
      }
      Instant d = Instant.parse("2021-03-04T05:06:07Z");
      p.append("INBOX", LegacyCorpus.CLEAN, List.of("\\Seen"), d);
      long gone = p.append("INBOX", LegacyCorpus.sized(2000, 1), List.of(), d).uid();
      p.append("INBOX", LegacyCorpus.HEADER_ONLY, List.of("\\Answered", "\\Flagged"), d.plusSeconds(60));
      p.append("INBOX", LegacyCorpus.EIGHT_BIT_HEADERS, List.of("\\Draft", "$Forwarded", "Work"), d.plusSeconds(120));
      p.append("INBOX", LegacyCorpus.EMPTY_BODY, List.of("\\Deleted"), d.plusSeconds(180));
      long gone2 = p.append("INBOX", LegacyCorpus.sized(3000, 2), List.of(), d).uid();
      p.append("INBOX", LegacyCorpus.sized(300_000, 3), List.of("\\Seen", "$MDNSent"), Instant.parse("1999-12-31T23:59:59Z"));
      p.expunge("INBOX", List.of(gone, gone2));
      p.append("Entwürfe", LegacyCorpus.EIGHT_BIT_HEADERS, List.of("\\Draft"), d);
      p.append("Tom & Jerry", LegacyCorpus.CLEAN, List.of("Cartoon"), d);
      p.append(nested("Archive", "2024"), LegacyCorpus.sized(5000, 4), List.of("\\Seen"), d);
      p.subscribe("Tom & Jerry");
      p.subscribe(nested("Archive", "2024"));
    }
  }

  private UserResult backup() throws IOException {
    Path conf = tmp.resolve("dovetail.conf");
    StringBuilder c = new StringBuilder("imapc_host = 127.0.0.1\nimapc_port = " + legacy.port() + "\n"
        + "imapc_features = rfc822.size\nmail_location = maildir:" + tmp + "/store/%n\nmail_fsync = never\n"
        + "mail_prefetch_count = 3\ndsync_commit_msgs_interval = 2\n");
    legacy.loginSettings().forEach(l -> c.append(l).append('\n'));
    Files.writeString(conf, c);
    return Backup.of(ConfigLoader.load(conf, List.of()), "alice", false, new ConnectionLimiter(2), Clock.systemUTC())
        .run(List.of(), MigrationListener.NONE);
  }

  private MailStore store() {
    return MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT);
  }

  /** Every selectable legacy folder, examined; keyed by the local name. */
  private Map<String, Views.FolderView> legacyViews() {
    Map<String, Views.FolderView> out = new LinkedHashMap<>();
    try (ImapProbe p = legacy.probe()) {
      for (ImapProbe.ListEntry e : p.list()) {
        if (e.attributes().stream().noneMatch(a -> a.equalsIgnoreCase("\\Noselect"))) {
          out.put(e.name().replace(legacy.separator(), '/'), Views.imap(p, e.name()));
        }
      }
    }
    return out;
  }

  private Map<String, Views.FolderView> storeViews(Set<String> folders) {
    MailStore store = store();
    Map<String, Views.FolderView> out = new LinkedHashMap<>();
    for (String f : folders) {
      out.put(f, store.exists(f) ? Views.store(store, f) : null);
    }
    return out;
  }

  @Test
  void everyMessageArrivesUnderItsUidWithItsFlagsDateAndBytes() throws IOException {
    fill();
    UserResult r = backup();
    assertTrue(r.complete(), r.toString());
    Map<String, Views.FolderView> expected = legacyViews();
    assertTrue(expected.keySet().containsAll(Set.of("INBOX", "Entwürfe", "Tom & Jerry", "Archive/2024")), expected.keySet().toString());
    assertEquals(5, expected.get("INBOX").messages().size());
    Views.assertSame(comparable(expected), comparable(storeViews(expected.keySet())));
    Set<String> subscribed = new HashSet<>();
    try (ImapProbe p = legacy.probe()) {
      p.lsub().forEach(n -> subscribed.add(n.replace(legacy.separator(), '/')));
    }
    assertEquals(subscribed, store().subscriptions());
  }

  @Test
  void aRerunCopiesNothingAndPicksUpFoldersNewOnTheLegacySide() throws IOException {
    fill();
    assertTrue(backup().complete());
    try (ImapProbe p = legacy.probe()) {
      p.create("Later");
      p.append("Later", LegacyCorpus.CLEAN, List.of("\\Flagged"), Instant.parse("2022-02-02T02:02:02Z"));
      p.append("INBOX", LegacyCorpus.CLEAN, List.of(), null); // INBOX is complete: the store is its master now
    }
    UserResult r = backup();
    assertTrue(r.complete(), r.toString());
    assertEquals(1, r.messages());
    Map<String, Views.FolderView> expected = legacyViews();
    assertEquals(comparable(Map.of("Later", expected.get("Later"))),
        comparable(Map.of("Later", Views.store(store(), "Later"))));
    assertEquals(expected.get("INBOX").messages().size() - 1, store().open("INBOX").status().messages());
  }
}
