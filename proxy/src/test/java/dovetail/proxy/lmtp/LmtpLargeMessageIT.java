package dovetail.proxy.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dovetail.proxy.server.GeneratedMessage;
import dovetail.proxy.server.ServeChild;
import dovetail.store.MailLocation;
import dovetail.store.MailStore;
import dovetail.store.StoreOptions;
import dovetail.store.StoredMessage;
import dovetail.store.maildir.MaildirStore;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dovetail serve} with a 64 MB heap takes a 100 MB delivery whole: DATA goes to disk as it arrives, and
 * reading stops while the disk is behind (ReadThrottle), so the heap never holds the message.
 */
class LmtpLargeMessageIT {
  private static final int LINES = 100 * 1024 * 1024 / 77;

  @TempDir Path dir;

  @Test
  void aHundredMegabyteDeliveryIsStoredByteForByteWithA64MbHeap() throws Exception {
    Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret\n");
    Path conf = dir.resolve("dovetail.conf");
    String location = "maildir:" + dir.resolve("mail") + "/%n/Maildir";
    Files.writeString(conf, "imap_listen =\npop3_listen =\nlmtp_listen = 127.0.0.1:0\npassdb = passwd-file:"
        + dir.resolve("passwd") + "\nmail_location = " + location + "\nadmin_socket = " + dir.resolve("a.sock") + "\n");

    try (ServeChild server = ServeChild.start(conf, List.of("-Xmx64m"));
        LmtpClient c = new LmtpClient(server.awaitLmtpPort(60))) {
      c.command("LHLO mta.example.org");
      assertTrue(c.command("MAIL FROM:<big@example.org>").startsWith("250"));
      assertTrue(c.command("RCPT TO:<alice>").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      String reply;
      try (InputStream message = new BufferedInputStream(GeneratedMessage.of(LINES), 1 << 16)) {
        reply = c.data(message);
      }
      assertTrue(reply.startsWith("250 2.0.0"), reply + "\n" + server.tail(30));
      assertTrue(server.isAlive(), "the server did not run out of memory");
      assertTrue(server.lines().stream().noneMatch(l -> l.contains("OutOfMemoryError")), server.tail(30));
    }

    MailStore store = MaildirStore.forUser(MailLocation.parse(location), "alice", StoreOptions.DEFAULT);
    List<StoredMessage> inbox = store.open(MailStore.INBOX).messages();
    assertEquals(1, inbox.size());
    try (InputStream stored = new BufferedInputStream(store.open(MailStore.INBOX).openContent(inbox.get(0).uid()))) {
      StoredBody.skipTraceHeaders(stored);
      assertEquals(StoredBody.sha256(GeneratedMessage.of(LINES)), StoredBody.sha256(stored),
          "stored after Dovetail's Return-Path, Delivered-To and Received: the bytes sent, with LF line ends");
    }
  }
}
