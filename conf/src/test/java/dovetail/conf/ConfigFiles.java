package dovetail.conf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes configuration files for tests and loads them. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static Path write(Path file, String... lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Settings load(Path file, String... overrides) {
        return ConfigLoader.load(file, List.of(overrides));
    }

    /** Loads and expects a ConfigException; returns its one-line message. */
    static String error(Path file, String... overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, overrides));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** A readable file with some text (a stand-in for a PEM file). */
    static Path pem(Path file) {
        return write(file, "-----BEGIN TEST-----", "-----END TEST-----");
    }
}
