package dovetail.migrator.source;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** GreenMail embedded on 127.0.0.1 with a free port, one user "alice". Separator '.'. */
final class GreenMailFixture implements LegacyServerFixture {
  static final String HOST = "127.0.0.1";
  private final GreenMail greenMail;
  private final ServerSetup setup;

  private GreenMailFixture(String protocol) {
    setup = new ServerSetup(0, HOST, protocol).dynamicPort();
    greenMail = new GreenMail(setup);
    greenMail.start();
    greenMail.setUser("alice@example.com", "alice", "secret");
  }

  static GreenMailFixture imap() {
    return new GreenMailFixture(ServerSetup.PROTOCOL_IMAP);
  }

  static GreenMailFixture imaps() {
    return new GreenMailFixture(ServerSetup.PROTOCOL_IMAPS);
  }

  GreenMail greenMail() {
    return greenMail;
  }

  @Override
  public String host() {
    return HOST;
  }

  @Override
  public int port() {
    return setup.getProtocol().equals(ServerSetup.PROTOCOL_IMAPS)
        ? greenMail.getImaps().getPort() : greenMail.getImap().getPort();
  }

  @Override
  public String user() {
    return "alice";
  }

  @Override
  public String password() {
    return "secret";
  }

  @Override
  public char separator() {
    return '.';
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
