package dovetail.migrator.copy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import dovetail.conf.FsyncMode;
import dovetail.store.Flags;
import dovetail.store.MailStore;
import dovetail.store.Mailbox;
import dovetail.store.MailboxTransaction;
import dovetail.store.MessageMeta;
import dovetail.store.StoreOptions;
import dovetail.store.SystemFlag;
import dovetail.store.maildir.MaildirStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * What real legacy mailboxes hold, written as a Dovecot Maildir with the store itself before the legacy
 * Dovecot starts: that is the only way to choose UIDVALIDITY, UIDs with gaps and NEXTUID exactly.
 */
final class LegacyCorpus {
  static final long INBOX_UIDVALIDITY = 4294967295L;
  static final List<String> FOLDERS =
      List.of("INBOX", "Sent", "Entwürfe", "Tom & Jerry", "Archive/2024", "Big", "Empty");
  static final List<String> SUBSCRIBED = List.of("INBOX", "Sent", "Archive/2024", "Tom & Jerry", "Ghost");

  private LegacyCorpus() {}

  static final byte[] CLEAN = ("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\n"
      + "Subject: clean\r\nDate: Mon, 1 Feb 2021 10:11:12 +0100\r\nMessage-ID: <clean@example.com>\r\n\r\n"
      + "Hello Bob,\r\n\r\nsee you.\r\n").getBytes(ISO_8859_1);
  static final byte[] BARE_LF = "From: alice@example.com\nSubject: bare LF\n\nline one\nline two\n".getBytes(ISO_8859_1);
  /** No blank line, no final line end: everything is header. */
  static final byte[] HEADER_ONLY = "From: alice@example.com\r\nSubject: header only".getBytes(ISO_8859_1);
  static final byte[] EIGHT_BIT_HEADERS = ("From: J\u00f6rg <joerg@example.com>\r\nSubject: Gr\u00fc\u00dfe aus K\u00f6ln\r\n"
      + "X-Latin1: caf\u00e9\r\n\r\nK\u00f6rper\r\n").getBytes(UTF_8);
  static final byte[] EMPTY_BODY = "From: alice@example.com\r\nSubject: empty body\r\n\r\n".getBytes(ISO_8859_1);
  static final byte[] NUL_BYTES = "From: a@example.com\r\nSubject: nul\r\n\r\na\u0000b\r\n".getBytes(ISO_8859_1);

  /** Writes the corpus into the Maildir at {@code root}; the big message has {@code bigBytes} bytes. */
  static void write(Path root, int bigBytes) {
    MailStore store = MaildirStore.open(root, StoreOptions.DEFAULT.withFsync(FsyncMode.NEVER));
    Mailbox inbox = store.create("INBOX", INBOX_UIDVALIDITY, 1);
    try (MailboxTransaction tx = inbox.begin()) {
      tx.add(meta(1, "1999-12-31T23:59:59Z", Flags.of(SystemFlag.SEEN)), in(CLEAN));
      tx.add(meta(2, "2021-02-01T09:11:12Z", Flags.NONE), in(BARE_LF));
      // UIDs 3 and 4 were expunged.
      tx.add(meta(5, "2022-03-04T05:06:07Z", Flags.of(SystemFlag.ANSWERED)), in(HEADER_ONLY));
      tx.add(meta(9, "2023-01-01T00:00:00Z", Flags.of(SystemFlag.FLAGGED)), in(EIGHT_BIT_HEADERS));
      tx.add(meta(10, "2023-06-30T12:00:00Z", Flags.of(SystemFlag.DELETED)), in(EMPTY_BODY));
      tx.add(meta(11, "2023-07-01T12:00:00Z", Flags.of(SystemFlag.DRAFT)), in(NUL_BYTES));
      tx.add(meta(40, "2024-02-29T23:00:00Z", Flags.of(SystemFlag.values()).withKeywords("$Forwarded", "$Junk",
          "Work", "NonJunk")), in(CLEAN));
      tx.add(meta(41, "2024-03-01T00:00:01Z", Flags.NONE.withKeywords("$MDNSent")), in(sized(3000, 41)));
      tx.raiseNextUid(1000);
      tx.commit();
    }
    Mailbox sent = store.create("Sent", 1, 1);
    try (MailboxTransaction tx = sent.begin()) {
      for (int uid = 1; uid <= 30; uid++) {
        if (uid % 7 != 0) {
          tx.add(meta(uid, "2024-01-01T00:00:00Z", Flags.of(SystemFlag.SEEN)), in(sized(500 + uid * 97, uid)));
        }
      }
      tx.commit();
    }
    Mailbox drafts = store.create("Entwürfe", 123456789, 1);
    drafts.append(MessageMeta.withUid(7, Instant.parse("2020-05-05T05:05:05Z"), Flags.of(SystemFlag.DRAFT)),
        in(EIGHT_BIT_HEADERS));
    Mailbox tom = store.create("Tom & Jerry", 2000000000L, 1);
    tom.append(MessageMeta.withUid(3, Instant.parse("2019-01-01T00:00:00Z"), Flags.NONE.withKeywords("Cartoon")),
        in(CLEAN));
    Mailbox archive = store.create("Archive/2024", 42, 1);
    archive.append(MessageMeta.withUid(100, Instant.parse("2024-12-24T18:00:00Z"), Flags.NONE), in(BARE_LF));
    Mailbox big = store.create("Big", 31337, 1);
    big.append(MessageMeta.withUid(2, Instant.parse("2024-05-05T10:00:00Z"), Flags.of(SystemFlag.SEEN)),
        bigMessage(bigBytes, 7));
    Mailbox empty = store.create("Empty", 555, 1);
    empty.raiseNextUid(57);
    for (String s : SUBSCRIBED) {
      store.setSubscribed(s, true);
    }
  }

  static MessageMeta meta(long uid, String date, Flags flags) {
    return MessageMeta.withUid(uid, Instant.parse(date), flags);
  }

  static InputStream in(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  /** A well-formed message of exactly {@code size} bytes, CRLF lines, deterministic content. */
  static byte[] sized(int size, long seed) {
    byte[] head = ("From: alice@example.com\r\nSubject: sized " + size + "\r\nMessage-ID: <" + seed + "." + size
        + "@example.com>\r\n\r\n").getBytes(ISO_8859_1);
    byte[] out = new byte[Math.max(size, head.length + 2)];
    System.arraycopy(head, 0, out, 0, head.length);
    Random random = new Random(seed);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int column = 0;
    for (int i = head.length; i < out.length - 2; i++) {
      if (column == 76 && i < out.length - 3) {
        out[i++] = '\r';
        out[i] = '\n';
        column = 0;
        continue;
      }
      out[i] = (byte) alphabet.charAt(random.nextInt(64));
      column++;
    }
    out[out.length - 2] = '\r';
    out[out.length - 1] = '\n';
    return out;
  }

  /** A MIME message with a base64 attachment, {@code size} bytes in all, generated as it is read. */
  static InputStream bigMessage(long size, long seed) {
    byte[] head = ("From: alice@example.com\r\nSubject: big attachment\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: application/octet-stream\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(ISO_8859_1);
    byte[] tail = "\r\n--b1--\r\n".getBytes(ISO_8859_1);
    long bodyLength = size - head.length - tail.length;
    InputStream body = new InputStream() {
      private final Random random = new Random(seed);
      private final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      private long position;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= bodyLength) {
          return -1;
        }
        int n = (int) Math.min(len, bodyLength - position);
        for (int i = 0; i < n; i++, position++) {
          long column = position % 78;
          b[off + i] = column == 76 ? (byte) '\r' : column == 77 ? (byte) '\n' : (byte) alphabet.charAt(random.nextInt(64));
        }
        return n;
      }
    };
    return new SequenceInputStream(new SequenceInputStream(in(head), body), in(tail));
  }
}
