import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One simulated mail client of the load bench: logs in as its user and runs the mix until the end of the window.
 * Every choice (operation, folder, UIDs, flags, search key, appended message) comes from its own seeded
 * {@link Random} and from the folders' UID ranges taken before the run, never from the server's answers, so that
 * both servers get the same sequence of commands.
 */
final class LoadClient implements Runnable {
  /** The kinds of operation, with their share of the mix (percent). */
  enum Op {
    SELECT(5), FETCH_FLAGS(20), FETCH_ENVELOPE(15), FETCH_BODY(25), STORE(15), SEARCH(8), APPEND(5), IDLE(7);

    final int weight;

    Op(int weight) {
      this.weight = weight;
    }

    static Op pick(Random random) {
      int x = random.nextInt(100);
      for (Op op : values()) {
        x -= op.weight;
        if (x < 0) {
          return op;
        }
      }
      throw new AssertionError("weights do not add up to 100");
    }
  }

  private static final String[] FLAGS = {"\\Seen", "\\Flagged", "\\Answered", "$Forwarded"};

  private final int port;
  private final String user;
  private final String password;
  /** The folders and their highest UID before the run. */
  private final Map<String, Long> maxUids;
  private final List<String> folders;
  private final Random random;
  private final long measureStart;
  private final long measureEnd;
  private final long idleMillis;
  final LatencyLog log = new LatencyLog();
  volatile Throwable failure;

  LoadClient(int port, String user, String password, Map<String, Long> maxUids, long seed, long measureStart,
      long measureEnd, long idleMillis) {
    this.port = port;
    this.user = user;
    this.password = password;
    this.maxUids = maxUids;
    this.folders = List.copyOf(maxUids.keySet());
    this.random = new Random(seed);
    this.measureStart = measureStart;
    this.measureEnd = measureEnd;
    this.idleMillis = idleMillis;
  }

  @Override
  public void run() {
    try (ImapWire imap = new ImapWire(port)) {
      expectOk(imap.command("LOGIN " + user + " " + password, false), "LOGIN");
      String folder = "INBOX";
      expectOk(imap.command("SELECT " + folder, false), "SELECT");
      while (System.nanoTime() < measureEnd) {
        Op op = Op.pick(random);
        if (op == Op.SELECT) {
          folder = folders.get(random.nextInt(folders.size()));
        }
        String commandText = op == Op.APPEND || op == Op.IDLE ? null : commandFor(op, folder);
        byte[] message = op == Op.APPEND ? message() : null;
        long start = System.nanoTime();
        ImapWire.Reply reply = switch (op) {
          case APPEND -> imap.commandWithLiteral("APPEND \"" + folder + "\" (\\Seen)", message);
          case IDLE -> imap.idle(idleMillis);
          default -> imap.command(commandText, false);
        };
        long end = System.nanoTime();
        long bytes = imap.takeLiteralBytes();
        if (start >= measureStart && end <= measureEnd) {
          log.record(op, end - start, bytes, reply.ok() ? null : reply.tagged());
        }
      }
      imap.command("LOGOUT", false);
    } catch (Throwable e) {
      failure = e;
    }
  }

  private String commandFor(Op op, String folder) {
    long max = maxUids.get(folder);
    long uid = 1 + (long) (random.nextDouble() * max);
    return switch (op) {
      case SELECT -> "SELECT \"" + folder + "\"";
      // a client resynchronising the flags of the part of the folder it shows
      case FETCH_FLAGS -> "UID FETCH " + Math.max(1, uid - 199) + ":" + uid + " (UID FLAGS)";
      // a page of the message list
      case FETCH_ENVELOPE -> "UID FETCH " + Math.max(1, uid - 49) + ":" + uid
          + " (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)";
      // opening a message (a UID in a gap of the corpus fetches nothing, on both servers alike)
      case FETCH_BODY -> "UID FETCH " + uid + " BODY[]";
      case STORE -> "UID STORE " + uid + (random.nextBoolean() ? " +FLAGS (" : " -FLAGS (")
          + FLAGS[random.nextInt(FLAGS.length)] + ")";
      case SEARCH -> "UID SEARCH " + searchKey();
      default -> throw new IllegalArgumentException(op.name());
    };
  }

  private String searchKey() {
    return switch (random.nextInt(5)) {
      case 0 -> "UNSEEN";
      case 1 -> "FLAGGED";
      case 2 -> "FROM \"sender" + random.nextInt(1000) + "@\"";
      case 3 -> "SINCE 1-Jan-20" + (14 + random.nextInt(10));
      default -> "SUBJECT \"message " + random.nextInt(100) + "\"";
    };
  }

  /** A new message of a few KB, as a client saves a sent one. */
  private byte[] message() {
    int size = (int) Math.min(200_000, Math.max(500, Math.exp(Math.log(6000) + 0.7 * random.nextGaussian())));
    StringBuilder m = new StringBuilder(size + 300);
    m.append("From: ").append(user).append("@example.com\r\nTo: friend").append(random.nextInt(1000))
        .append("@example.com\r\nSubject: appended ").append(random.nextLong())
        .append("\r\nDate: Tue, 2 Mar 2021 09:10:11 +0100\r\nMessage-ID: <").append(random.nextLong())
        .append("@example.com>\r\n\r\n");
    while (m.length() < size) {
      for (int i = 0; i < 72; i++) {
        m.append((char) ('a' + random.nextInt(26)));
      }
      m.append("\r\n");
    }
    return m.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static void expectOk(ImapWire.Reply reply, String what) throws IOException {
    if (!reply.ok()) {
      throw new IOException(what + ": " + reply.tagged());
    }
  }
}
