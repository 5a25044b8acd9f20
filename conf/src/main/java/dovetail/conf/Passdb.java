package dovetail.conf;

import java.nio.file.Path;
import java.util.Objects;

/** {@code passdb}: how Dovetail checks users' passwords. */
public sealed interface Passdb permits Passdb.Legacy, Passdb.PasswdFile {

    /**
     * {@code legacy}: against the legacy server, with a local salted hash kept for later.
     *
     * @param proxyNotTrusted {@code proxy_not_trusted} (Dovecot's passdb field of the same meaning): send the legacy
     *     server no ID with the client's address before the login
     */
    record Legacy(boolean proxyNotTrusted) implements Passdb {
        @Override
        public String toString() {
            return "legacy";
        }
    }

    /** {@code passwd-file:/path}: a Dovecot passwd-file. */
    record PasswdFile(Path path) implements Passdb {
        public PasswdFile {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return "passwd-file:" + path;
        }
    }
}
