package dovetail.proxy.demo;

import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import dovetail.proxy.server.DovetailServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code dovetail demo}: a GreenMail legacy server with sample users and mail, and Dovetail in front of it on
 * loopback, over a temporary store. The configuration it writes is an ordinary dovetail.conf, so the admin
 * commands work against it with {@code -c}. Everything is removed again on {@link #close()}.
 */
public final class Demo implements AutoCloseable {
  /** The contract's demo ports (DESIGN.md); {@code -o imap_listen=...} overrides them. */
  static final String IMAP_LISTEN = "127.0.0.1:10143";
  static final String LMTP_LISTEN = "127.0.0.1:10024";

  private final DemoLegacy legacy;
  private final Path dir;
  private final Path config;
  private final DovetailServer server;
  private final DemoCorpus corpus;

  private Demo(DemoLegacy legacy, Path dir, Path config, DovetailServer server, DemoCorpus corpus) {
    this.legacy = legacy;
    this.dir = dir;
    this.config = config;
    this.server = server;
    this.corpus = corpus;
  }

  /**
   * @param overrides {@code key=value} settings applied over the demo's configuration
   * @throws dovetail.conf.ConfigException for a bad override
   */
  public static Demo start(DemoCorpus corpus, List<String> overrides) throws Exception {
    Path dir = Files.createTempDirectory("dovetail-demo-");
    DemoLegacy legacy = null;
    try {
      legacy = DemoLegacy.start(corpus);
      Path users = dir.resolve("users.txt");
      Files.write(users, corpus.users(), StandardCharsets.UTF_8);
      Path config = dir.resolve("dovetail.conf");
      Files.writeString(config, configuration(dir, legacy, corpus, users), StandardCharsets.UTF_8);
      Settings settings = ConfigLoader.load(config, overrides);
      DovetailServer server = DovetailServer.start(settings);
      return new Demo(legacy, dir, config, server, corpus);
    } catch (Exception | Error e) {
      if (legacy != null) {
        legacy.close();
      }
      deleteTree(dir);
      throw e;
    }
  }

  private static String configuration(Path dir, DemoLegacy legacy, DemoCorpus corpus, Path users) {
    return "# Written by `dovetail demo`: GreenMail as the legacy server, Dovetail in front of it.\n"
        + "imapc_host = " + DemoLegacy.HOST + "\n"
        + "imapc_port = " + legacy.imapPort() + "\n"
        + "imapc_user = %u\n"
        + "# Every demo user has this password; a real setup uses imapc_master_user instead.\n"
        + "imapc_password = " + corpus.password() + "\n"
        + "passdb = legacy\n"
        + "mail_location = maildir:" + dir.resolve("mail") + "/%n/Maildir\n"
        + "imap_listen = " + IMAP_LISTEN + "\n"
        + "pop3_listen = 127.0.0.1:10110\n"
        + "lmtp_listen = " + LMTP_LISTEN + "\n"
        + "admin_socket = " + dir.resolve("admin.sock") + "\n"
        + "# Off, so that folders visibly migrate when a client opens them; `dovetail migrate` forces a user.\n"
        + "sweeper = no\n"
        + "sweeper_users = " + users + "\n";
  }

  public int imapPort() {
    return server.listeners().stream().filter(l -> l.name().equals("imap")).findFirst().orElseThrow()
        .address().getPort();
  }

  private String pop3Ports() {
    List<String> ports = server.pop3Listeners().stream().map(l -> DemoLegacy.HOST + ":" + l.address().getPort()).toList();
    return ports.isEmpty() ? "off" : String.join(", ", ports);
  }

  public Path config() {
    return config;
  }

  public Path storeRoot() {
    return dir.resolve("mail");
  }

  /** How to use the running demo, for a person at a terminal. */
  public String instructions() {
    int port = imapPort();
    String jar = "java -jar proxy/target/dovetail.jar";
    String user = corpus.users().get(0);
    String pw = corpus.password();
    return String.join("\n",
        "Dovetail demo is running.",
        "  Legacy server (GreenMail): IMAP " + DemoLegacy.HOST + ":" + legacy.imapPort() + ", users "
            + String.join(", ", corpus.users()) + ", password " + pw,
        "  Dovetail IMAP:             " + DemoLegacy.HOST + ":" + port + " (no TLS on loopback), same users",
        "  Dovetail POP3:             " + pop3Ports(),
        "  Store (Dovecot Maildir):   " + storeRoot(),
        "  Configuration:             " + config,
        "",
        "A mail client: IMAP server 127.0.0.1, port " + port + ", user " + user + ", password " + pw + ".",
        "Folders migrate from the legacy server the first time they are opened. Try:",
        "  curl --url imap://127.0.0.1:" + port + "/ --user " + user + ":" + pw + "                 # the folders",
        "  curl --url 'imap://127.0.0.1:" + port + "/INBOX;UID=1' --user " + user + ":" + pw + "    # migrates INBOX, shows a message",
        "  " + jar + " status -c " + config,
        "  " + jar + " migrate -c " + config + " -u " + corpus.users().get(corpus.users().size() - 1) + " --wait",
        "Stop with Ctrl-C; the temporary store is removed.");
  }

  @Override
  public void close() {
    server.close();
    legacy.close();
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the demo's temporary directory " + dir, e);
    }
  }
}
