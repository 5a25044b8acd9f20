package dovetail.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Loads Dovetail's settings: a Dovecot-style file (with its includes), then the {@code -o key=value} overrides.
 * Every mistake is a {@link ConfigException} with a one-line message; warnings are in {@link Settings#warnings()}.
 * Reads only the configuration files and checks that files named in them exist.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param file      the configuration file
     * @param overrides {@code key=value} strings from {@code -o}, applied in order after the file
     */
    public static Settings load(Path file, List<String> overrides) {
        Objects.requireNonNull(file, "file");
        Assignments values = new Assignments(System::getenv);
        new ConfigParser(values).parseFile(file);
        return finish(values, overrides);
    }

    /** The defaults with {@code -o} overrides, for running without a configuration file (e.g. {@code demo}). */
    public static Settings load(List<String> overrides) {
        return finish(new Assignments(System::getenv), overrides);
    }

    /**
     * Parses {@code text} as if it were the file {@code name} (its includes are relative to name's directory).
     * Meant for tests.
     */
    public static Settings fromString(String name, String text, List<String> overrides) {
        return fromString(name, text, overrides, System::getenv);
    }

    static Settings fromString(String name, String text, List<String> overrides, Function<String, String> env) {
        Assignments values = new Assignments(env);
        new ConfigParser(values).parseText(Path.of(name), text);
        return finish(values, overrides);
    }

    private static Settings finish(Assignments values, List<String> overrides) {
        Overrides.apply(Objects.requireNonNull(overrides, "overrides"), values);
        return new SettingsBinder(values).bind();
    }
}
