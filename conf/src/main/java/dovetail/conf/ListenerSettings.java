package dovetail.conf;

import java.util.Objects;
import java.util.Optional;

/** Dovetail's listeners; an empty value means that listener is off. */
public record ListenerSettings(Optional<Endpoint.Tcp> imap, Optional<Endpoint.Tcp> imaps,
                               Optional<Endpoint.Tcp> pop3, Optional<Endpoint.Tcp> pop3s,
                               Optional<Endpoint> lmtp) {
    public ListenerSettings {
        Objects.requireNonNull(imap, "imap");
        Objects.requireNonNull(imaps, "imaps");
        Objects.requireNonNull(pop3, "pop3");
        Objects.requireNonNull(pop3s, "pop3s");
        Objects.requireNonNull(lmtp, "lmtp");
    }
}
