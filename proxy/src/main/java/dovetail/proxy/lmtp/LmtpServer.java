package dovetail.proxy.lmtp;

import dovetail.conf.Endpoint;
import dovetail.proxy.server.AcceptFailures;
import dovetail.proxy.server.UnixSocketFile;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.NonStickyEventExecutorGroup;
import io.netty.util.concurrent.UnorderedThreadPoolEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.netty.TimeoutHandler;

/**
 * The LMTP listener's connections, on TCP or a Unix socket. James's NettyServer is TCP-only and runs each session on
 * its I/O thread without backpressure, so this bootstrap is Dovetail's own; each connection's pipeline is:
 *
 * <ol>
 *   <li>the line framer ({@link LmtpLineFramer}: delimiters kept, as James's, and a long line in pieces) and a
 *       {@link ReadThrottle}, on the I/O thread;</li>
 *   <li>James's handler chain ({@link SessionHandler}) on the session's own ordered executor, drawn from a bounded
 *       pool: a recipient check that waits on the legacy server, a disk write or an fsync holds that session only.
 *       </li>
 * </ol>
 */
final class LmtpServer implements AutoCloseable {
  /** Framing and byte copying only: one thread is plenty. */
  private static final int IO_THREADS = 1;
  /** Sessions doing blocking work at once; more wait their turn (Postfix's default LMTP concurrency is 20). */
  static final int SESSION_THREADS = 16;

  private final EventLoopGroup io;
  private final EventExecutorGroup sessions;
  private final Channel listener;
  private final Optional<UnixSocketFile> socketFile;

  private LmtpServer(EventLoopGroup io, EventExecutorGroup sessions, Channel listener,
      Optional<UnixSocketFile> socketFile) {
    this.io = io;
    this.sessions = sessions;
    this.listener = listener;
    this.socketFile = socketFile;
  }

  /**
   * @param socketMode the Unix socket file's mode (ignored for TCP)
   * @throws IllegalArgumentException for a Unix socket where Netty's native epoll transport is not available
   */
  static LmtpServer bind(Endpoint endpoint, Protocol protocol, int timeoutSeconds,
      Set<PosixFilePermission> socketMode) throws Exception {
    boolean unix = endpoint instanceof Endpoint.Unix;
    if (unix && !Epoll.isAvailable()) {
      throw new IllegalArgumentException("lmtp_listen: a Unix socket needs Netty's native epoll transport (Linux), "
          + "which cannot load here (" + Epoll.unavailabilityCause() + "); use host:port");
    }
    DefaultThreadFactory ioThreads = new DefaultThreadFactory("dovetail-lmtp-io", true);
    EventLoopGroup io = unix ? new EpollEventLoopGroup(IO_THREADS, ioThreads) : new NioEventLoopGroup(IO_THREADS, ioThreads);
    EventExecutorGroup sessions = new NonStickyEventExecutorGroup(new UnorderedThreadPoolEventExecutor(
        SESSION_THREADS, new DefaultThreadFactory("dovetail-lmtp-session", true)));
    ServerBootstrap bootstrap = new ServerBootstrap().group(io)
        .channel(unix ? EpollServerDomainSocketChannel.class : NioServerSocketChannel.class)
        .handler(new AcceptFailures("LMTP"))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ReadThrottle throttle = new ReadThrottle();
            ChannelPipeline p = ch.pipeline();
            p.addLast(HandlerConstants.FRAMER, new LmtpLineFramer());
            p.addLast("readThrottle", throttle);
            p.addLast(HandlerConstants.CHUNK_HANDLER, new ChunkedWriteHandler());
            p.addLast(HandlerConstants.TIMEOUT_HANDLER, new TimeoutHandler(timeoutSeconds));
            // James's transport finds this handler by name (pushLineHandler for DATA).
            p.addLast(sessions, HandlerConstants.CORE_HANDLER, new SessionHandler(protocol, throttle));
          }
        });
    if (!unix) {
      bootstrap.childOption(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_REUSEADDR, true);
    }
    try {
      if (endpoint instanceof Endpoint.Tcp tcp) {
        Channel ch = bootstrap.bind(new InetSocketAddress(tcp.host(), tcp.port())).sync().channel();
        return new LmtpServer(io, sessions, ch, Optional.empty());
      }
      Channel[] bound = new Channel[1];
      UnixSocketFile file = UnixSocketFile.bind("lmtp_listen", ((Endpoint.Unix) endpoint).path(), socketMode,
          path -> bound[0] = bootstrap.bind(new DomainSocketAddress(path.toFile())).sync().channel());
      return new LmtpServer(io, sessions, bound[0], Optional.of(file));
    } catch (Exception | Error e) {
      io.shutdownGracefully();
      sessions.shutdownGracefully();
      throw e;
    }
  }

  /** The TCP address bound (with the real port for port 0), or the socket file's path. */
  SocketAddress address() {
    return socketFile.<SocketAddress>map(f -> new DomainSocketAddress(f.path().toFile()))
        .orElseGet(listener::localAddress);
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    io.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    sessions.shutdownGracefully(0, 5, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    socketFile.ifPresent(f -> {
      try {
        f.close();
      } catch (java.io.IOException e) {
        // a stale socket file is replaced at the next start
      }
    });
  }
}
