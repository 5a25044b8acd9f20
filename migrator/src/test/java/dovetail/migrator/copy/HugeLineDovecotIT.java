package dovetail.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.conf.FsyncMode;
import dovetail.migrator.copy.FaultProxy.Fault;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.maildir.MaildirStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A legacy server that sends one 100 MB line (a quoted string, not a literal) in a FETCH or a LIST response, or in
 * place of a message body: the backup, in a JVM with a heap smaller than that line, fails with the reason (exit 2)
 * instead of running out of memory, and a later run, once the server behaves, migrates the folder whole. Real Dovecot
 * behind a {@link FaultProxy}.
 */
class HugeLineDovecotIT {
  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"HUGE_FETCH_ITEM", "HUGE_LIST_ITEM", "HUGE_BODY"})
  void aHundredMegabyteLineFailsTheRunWithItsReasonAndALaterRunCompletes(Fault huge, @TempDir Path tmp)
      throws IOException {
    try (DovecotServer legacy = DovecotLegacy.start(tmp.resolve("legacy"), root -> {
      MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
      Mailbox work = store.create("Work", 77, 1);
      for (int uid = 1; uid <= 3; uid++) {
        work.append(MessageMeta.withUid(uid, Instant.parse("2024-01-0" + uid + "T00:00:00Z"), Flags.NONE),
            LegacyCorpus.in(LegacyCorpus.CLEAN));
      }
    }, "");
        FaultProxy proxy = new FaultProxy(legacy.imapPort(), n -> fault.get(), 1, FaultProxy.seed())) {
      fault.set(huge);
      Path conf = DovecotLegacy.conf(tmp.resolve("dovetail.conf"), proxy.port(), "maildir:" + tmp + "/store/%n");

      ChildJvm hostile = ChildJvm.start("-Xmx96m", conf, DovecotLegacy.USER, "-f", "Work");
      assertEquals(2, hostile.waitFor(120), hostile.output());
      assertTrue(hostile.resultLine().contains("the server sent a response line longer than 4 MB"),
          hostile.resultLine());
      assertTrue(proxy.struck() > 0, "the line was sent");

      fault.set(Fault.NONE);
      ChildJvm behaving = ChildJvm.start("-Xmx96m", conf, DovecotLegacy.USER, "-f", "Work");
      assertEquals(0, behaving.waitFor(120), behaving.output());
      Mailbox work = MaildirStore.open(tmp.resolve("store/alice"), StoreOptions.DEFAULT).open("Work");
      Mailbox source = MaildirStore.open(legacy.maildir(DovecotLegacy.USER), StoreOptions.DEFAULT).open("Work");
      assertEquals(List.of(1L, 2L, 3L), work.messages().stream().map(m -> m.uid()).toList());
      for (long uid = 1; uid <= 3; uid++) {
        try (InputStream got = work.openContent(uid); InputStream sent = source.openContent(uid)) {
          assertEquals(Views.sha256(sent), Views.sha256(got), "UID " + uid);
        }
      }
    }
  }
}
