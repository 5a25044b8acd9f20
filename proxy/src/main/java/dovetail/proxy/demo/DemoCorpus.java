package dovetail.proxy.demo;

import jakarta.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The demo's sample mail: a few users with a few thousand messages each, in nested and non-ASCII-named folders,
 * with flags, plain and multipart messages and dates over two years. Generated from a fixed seed, so every demo
 * shows the same mailboxes.
 */
public final class DemoCorpus {
  static final String DOMAIN = "demo.example";
  private static final String PASSWORD = "demo";
  private static final DateTimeFormatter RFC_5322 =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** One folder: its name in the store's form ("Archive/2024"), its messages, and whether it is subscribed. */
  public record Folder(String name, List<Message> messages, boolean subscribed) {}

  /** One message: its bytes, flags and INTERNALDATE. */
  public record Message(byte[] bytes, Flags flags, Date date) {}

  private record Shape(String name, int messages) {}

  private static final List<Shape> FOLDERS = List.of(
      new Shape("INBOX", 900),
      new Shape("Sent", 300),
      new Shape("Archive", 0),
      new Shape("Archive/2024", 500),
      new Shape("Archive/2025", 400),
      new Shape("Projekte/Übersicht", 150),
      new Shape("Reçus", 120),
      new Shape("日本語", 60),
      new Shape("Lists/dovecot-news", 300));

  private final List<String> users;
  private final double scale;

  /** @param scale 1.0 for the full demo (about 2,700 messages a user); smaller for tests */
  public DemoCorpus(List<String> users, double scale) {
    this.users = List.copyOf(users);
    this.scale = scale;
  }

  public static DemoCorpus standard() {
    return new DemoCorpus(List.of("alice", "bob"), 1.0);
  }

  public List<String> users() {
    return users;
  }

  public String password() {
    return PASSWORD;
  }

  public List<Folder> folders(String user) {
    Random random = new Random(user.hashCode());
    Instant end = Instant.parse("2026-11-01T09:00:00Z");
    List<Folder> out = new ArrayList<>();
    for (Shape shape : FOLDERS) {
      int count = (int) Math.round(shape.messages() * scale);
      List<Message> messages = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Instant date = end.minusSeconds((long) (count - i) * 3600 * 17 + random.nextInt(3600));
        messages.add(message(user, shape.name(), i, date, random));
      }
      out.add(new Folder(shape.name(), messages, !shape.name().startsWith("Lists")));
    }
    return out;
  }

  private static Message message(String user, String folder, int n, Instant date, Random random) {
    String from = random.nextBoolean() ? "Carol Example <carol@" + DOMAIN + ">" : "=?UTF-8?Q?J=C3=BCrgen?= <juergen@" + DOMAIN + ">";
    String subject = folder.replace('/', ' ') + " message " + (n + 1);
    StringBuilder text = new StringBuilder();
    int lines = 3 + random.nextInt(40);
    for (int i = 0; i < lines; i++) {
      text.append("Line ").append(i + 1).append(" of a sample message for ").append(user).append(".\r\n");
    }
    StringBuilder m = new StringBuilder()
        .append("Return-Path: <sender@").append(DOMAIN).append(">\r\n")
        .append("From: ").append(from).append("\r\n")
        .append("To: ").append(user).append('@').append(DOMAIN).append("\r\n")
        .append("Subject: ").append(subject).append("\r\n")
        .append("Date: ").append(RFC_5322.format(date)).append("\r\n")
        .append("Message-ID: <").append(user).append('.').append(folder.hashCode() & 0x7fffffff).append('.').append(n)
        .append('@').append(DOMAIN).append(">\r\n")
        .append("MIME-Version: 1.0\r\n");
    if (n % 7 == 3) {
      m.append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
          .append("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").append(text)
          .append("--b1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n")
          .append("Content-Transfer-Encoding: base64\r\n\r\n")
          .append(java.util.Base64.getMimeEncoder().encodeToString(randomBytes(random, 512 + random.nextInt(4096))))
          .append("\r\n--b1--\r\n");
    } else {
      m.append("Content-Type: text/plain; charset=utf-8\r\n\r\n").append(text);
    }
    Flags flags = new Flags();
    if (random.nextInt(10) < 7) {
      flags.add(Flags.Flag.SEEN);
    }
    if (random.nextInt(20) == 0) {
      flags.add(Flags.Flag.FLAGGED);
    }
    if (random.nextInt(8) == 0) {
      flags.add(Flags.Flag.ANSWERED);
    }
    return new Message(m.toString().getBytes(StandardCharsets.UTF_8), flags, Date.from(date));
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
