package dovetail.proxy.server;

import dovetail.conf.Endpoint;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A listener that could not bind its address, named as the operator wrote it:
 * {@code imap_listen 127.0.0.1:143: address already in use}. James's servers and Netty report only the system's
 * words ("Address already in use"); which of a front-end's listeners failed (imap_listen or imaps_listen) is found
 * by trying each of its addresses again once the front-end has released what it had bound.
 */
public final class ListenFailure extends Exception {
  private ListenFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** The listeners of one front-end, by setting name, in the order the front-end binds them. */
  static Map<String, Optional<? extends Endpoint>> listeners(Object... keyAndEndpoint) {
    Map<String, Optional<? extends Endpoint>> m = new LinkedHashMap<>();
    for (int i = 0; i < keyAndEndpoint.length; i += 2) {
      @SuppressWarnings("unchecked")
      Optional<? extends Endpoint> endpoint = (Optional<? extends Endpoint>) keyAndEndpoint[i + 1];
      m.put((String) keyAndEndpoint[i], endpoint);
    }
    return m;
  }

  /**
   * Starts a front-end; a failure to bind becomes a {@link ListenFailure} naming the listener and its address.
   *
   * @param start starts the front-end, and stops whatever it started when it fails
   */
  static <T> T binding(Map<String, Optional<? extends Endpoint>> listeners, Callable<T> start) throws Exception {
    try {
      return start.call();
    } catch (Exception e) {
      Optional<String> reason = bindReason(e);
      if (reason.isEmpty()) {
        throw e;
      }
      throw new ListenFailure(culprit(listeners) + ": " + reason.get(), e);
    }
  }

  /** The system's reason when {@code e} is a failed bind, in the words of a configuration error. */
  static Optional<String> bindReason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (m.contains("Address already in use")) {
        return Optional.of("address already in use");
      }
      if (m.contains("Cannot assign requested address")) {
        return Optional.of("cannot assign requested address (not an address of this host)");
      }
      if (t instanceof BindException || m.startsWith("bind(")) {
        String reason = m.substring(m.lastIndexOf(':') + 1).trim();
        return Optional.of(reason.isEmpty() ? "cannot bind" : reason.toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  /** "imap_listen 127.0.0.1:143", for the listener whose address cannot be bound now; all of them if none is found. */
  private static String culprit(Map<String, Optional<? extends Endpoint>> listeners) {
    List<String> all = new ArrayList<>();
    for (Map.Entry<String, Optional<? extends Endpoint>> l : listeners.entrySet()) {
      if (l.getValue().isEmpty()) {
        continue;
      }
      String named = l.getKey() + " " + l.getValue().get();
      all.add(named);
      if (l.getValue().get() instanceof Endpoint.Tcp tcp && tcp.port() != 0 && !bindable(tcp)) {
        return named;
      }
    }
    return String.join(" or ", all);
  }

  private static boolean bindable(Endpoint.Tcp tcp) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(tcp.host(), tcp.port()));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
