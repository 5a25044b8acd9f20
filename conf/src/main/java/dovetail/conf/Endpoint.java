package dovetail.conf;

import java.nio.file.Path;
import java.util.Objects;

/** Where a listener listens: {@code host:port} or (LMTP only) {@code unix:/path}. */
public sealed interface Endpoint permits Endpoint.Tcp, Endpoint.Unix {

    /** A TCP address; {@code host} is a name or IP literal without brackets; port 0 = any free port. */
    record Tcp(String host, int port) implements Endpoint {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
        }

        /** As written in the configuration: {@code host:port}, IPv6 as {@code [::1]:143}. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A Unix domain socket. */
    record Unix(Path path) implements Endpoint {
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }
}
