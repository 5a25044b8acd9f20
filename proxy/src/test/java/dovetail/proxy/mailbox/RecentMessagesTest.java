package dovetail.proxy.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.migrator.copy.LateMailState;
import dovetail.migrator.copy.MigrationState;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which messages are \Recent, on a real store: the folder's history, the claims, and what a restart keeps. */
class RecentMessagesTest {
  @TempDir Path dir;

  private static void add(Mailbox folder, int count) {
    for (int i = 0; i < count; i++) {
      folder.append(MessageMeta.next(Instant.parse("2024-01-01T00:00:00Z"), Flags.NONE),
          new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    }
  }

  private static List<Long> uids(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::uid).toList();
  }

  @Test
  void messagesThatCameAfterTheMigrationAreRecentUntilASelectClaimsThem() {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox work = store.create("Work", 77, 1);
    add(work, 3); // UIDs 1-3 migrated
    work.writeDovetailState(Map.of(MigrationState.STATE, "complete", MigrationState.LEGACY_UIDNEXT, "9",
        LateMailState.MIGRATED_UIDNEXT, "4"));
    add(work, 2); // 4-5 arrived afterwards
    assertEquals(List.of(4L, 5L), uids(RecentMessages.recent(work, work.messages())));
    assertEquals(List.of(4L, 5L), uids(RecentMessages.claimAll(work, work.messages())));
    assertEquals(List.of(), uids(RecentMessages.claimAll(work, work.messages())), "a second SELECT");
    add(work, 1);
    RecentMessages.forgetHeldValues();
    MailStore reopened = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT); // a restart
    Mailbox again = reopened.open("Work");
    assertEquals(List.of(6L), uids(RecentMessages.recent(again, again.messages())));
    assertEquals(Set.of(), RecentMessages.claim(again, List.of(5L)), "claimed by the SELECT before");
    assertEquals(Set.of(6L), RecentMessages.claim(again, List.of(6L)));
    assertEquals(Set.of(), RecentMessages.unclaimed(again, List.of(6L)));
  }

  @Test
  void aFolderWithoutHistoryStartsWithNoneRecentAndOneAClientMadeWithAll() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox found = store.create("Found", 5, 1);
    add(found, 2);
    assertEquals(List.of(), uids(RecentMessages.recent(found, found.messages())));
    add(found, 1);
    assertEquals(List.of(3L), uids(RecentMessages.recent(found, found.messages())));

    Mailbox made = store.create("Made");
    RecentMessages.made(made);
    add(made, 2);
    assertEquals(List.of(1L, 2L), uids(RecentMessages.recent(made, made.messages())));

    Files.writeString(made.dovetailFile(RecentMessages.SUFFIX), "garbage\n");
    RecentMessages.forgetHeldValues(); // a restart: the record is read again
    assertEquals(List.of(), uids(RecentMessages.recent(made, made.messages())),
        "a damaged record counts from the folder's history (none for a folder without one) and is written again");
    assertEquals(made.uidValidity() + " 3", Files.readString(made.dovetailFile(RecentMessages.SUFFIX)).strip());
  }

  /**
   * Claims in quick succession are written at most once a second (a write per claim cost a fifth more CPU per IMAP
   * operation); this process holds the newest value, and a restart before it is written makes those messages recent
   * again, never hides one.
   */
  @Test
  void claimsBetweenWritesAreHeldAndARestartMakesThemRecentAgain() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox box = store.create("Quick");
    RecentMessages.made(box);
    add(box, 1);
    assertEquals(Set.of(1L), RecentMessages.claim(box, List.of(1L)));
    add(box, 1);
    assertEquals(Set.of(2L), RecentMessages.claim(box, List.of(2L)), "held, maybe not written yet");
    assertEquals(List.of(), uids(RecentMessages.recent(box, box.messages())), "this process knows both are claimed");
    RecentMessages.forgetHeldValues();
    List<Long> afterRestart = uids(RecentMessages.recent(box, box.messages()));
    assertTrue(List.of(List.of(), List.of(2L), List.of(1L, 2L)).contains(afterRestart),
        "the claims not written yet are recent again: " + afterRestart);
    add(box, 1);
    assertTrue(uids(RecentMessages.recent(box, box.messages())).contains(3L), "a new message is never hidden");
  }

  /** A record of another UIDVALIDITY (the uidlist made again, numbering from 1) counts as none (review 15, F4). */
  @Test
  void aRecordOfAnotherUidValidityIsNone() throws Exception {
    MailStore store = MaildirStore.open(dir.resolve("Maildir"), StoreOptions.DEFAULT);
    Mailbox made = store.create("Made");
    RecentMessages.made(made);
    add(made, 2);
    Files.writeString(made.dovetailFile(RecentMessages.SUFFIX), (made.uidValidity() + 1) + " 500\n");
    RecentMessages.forgetHeldValues(); // a restart: the record is read again
    assertEquals(List.of(), uids(RecentMessages.recent(made, made.messages())),
        "no history: the first look records the folder as it is");
    add(made, 1);
    assertEquals(List.of(3L), uids(RecentMessages.recent(made, made.messages())), "UID 3 is below the old record's 500");
  }
}
