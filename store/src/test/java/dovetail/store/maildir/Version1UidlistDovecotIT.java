package dovetail.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.store.Flags;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.dovecot.DovecotServer;
import dovetail.store.dovecot.ImapProbe;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version 1 (Courier-style) uidlist that Dovetail saved into: Dovecot serves it with Dovetail's UIDs. */
class Version1UidlistDovecotIT {
  @TempDir Path work;

  @Test
  void dovecotServesTheUidsOfAMessageSavedIntoAVersion1Folder() throws IOException {
    DovecotServer.assumeInstalled();
    Path root = DovecotServer.maildir(work, "courier");
    Path folder = root.resolve(".F");
    for (String sub : new String[] {"cur", "new", "tmp"}) {
      Files.createDirectories(folder.resolve(sub));
    }
    Files.writeString(folder.resolve("cur/100.M1P1.h,S=5,W=5:2,S"), "one\r\n");
    Files.writeString(folder.resolve("cur/200.M2P1.h,S=5,W=5:2,"), "two\r\n");
    Files.writeString(folder.resolve("dovecot-uidlist"), "1 4711 300\n100 100.M1P1.h,S=5,W=5:2,S\n200 200.M2P1.h,S=5,W=5:2,\n");
    long saved = MaildirStore.open(root, StoreOptions.DEFAULT).open("F")
        .append(MessageMeta.next(Instant.ofEpochSecond(1_600_000_000L), Flags.NONE),
            new ByteArrayInputStream("Subject: new\r\n\r\nthree\r\n".getBytes(StandardCharsets.US_ASCII)))
        .uid();
    assertEquals(300, saved);

    try (DovecotServer dovecot = DovecotServer.builder(work).user("courier", "pw").noSpecialUse().start();
        ImapProbe imap = ImapProbe.login(dovecot, "courier")) {
      ImapProbe.FolderState seen = imap.examine("F");
      assertEquals(4711, seen.uidValidity());
      assertEquals(List.of(100L, 200L, 300L), seen.uids());
      assertEquals(301, seen.uidNext());
      assertEquals(List.of(), dovecot.logProblems());
    }
  }
}
