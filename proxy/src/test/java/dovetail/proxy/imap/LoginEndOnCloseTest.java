package dovetail.proxy.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dovetail.proxy.auth.LoginSessionEnds;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.core.Username;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.imapserver.netty.NettyImapSession;
import org.apache.james.mailbox.MailboxSession;
import org.junit.jupiter.api.Test;

/**
 * The end of a login is reported once whichever comes last, the connection's close or the login (review 16, F2: a
 * login that finished after the close was never ended). Netty's embedded channel, with James's own session in it as
 * James's handler puts it there.
 */
class LoginEndOnCloseTest {
  private final AtomicInteger ends = new AtomicInteger();
  private final EmbeddedChannel channel = new EmbeddedChannel(LoginEndOnClose.INSTANCE, new MakesJamesSession());
  private final ImapSession session = channel.attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();

  /** What James's ImapChannelUpstreamHandler does first for a new connection. */
  private static final class MakesJamesSession extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).set(new NettyImapSession(ctx.channel(), null, false,
          false, true, ImapSession.SessionId.generate(), Optional.empty()));
    }
  }

  private void loginSucceeds() {
    MailboxSession user = new MailboxSession(MailboxSession.SessionId.of(1), Username.of("alice"), Optional.empty(),
        List.of(Locale.ROOT), '.', MailboxSession.SessionType.User);
    LoginSessionEnds.attach(user, ends::incrementAndGet);
    session.setMailboxSession(user);
    LoginEndOnClose.loginFinished(session);
  }

  @Test
  void aLoginThatFinishesAfterTheCloseEndsItself() {
    channel.close();
    assertEquals(0, ends.get(), "nothing to end yet");
    loginSucceeds();
    assertEquals(1, ends.get());
  }

  @Test
  void aLoginBeforeTheCloseIsEndedByTheCloseOnce() {
    loginSucceeds();
    assertEquals(0, ends.get(), "the connection is open");
    channel.close();
    assertEquals(1, ends.get());
    LoginEndOnClose.loginFinished(session);
    assertEquals(1, ends.get(), "reported once");
  }
}
