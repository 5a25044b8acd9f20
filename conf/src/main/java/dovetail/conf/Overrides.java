package dovetail.conf;

import java.util.List;

/** Command-line overrides, {@code -o key=value}: applied after the files, reported as "-o key: ...". */
final class Overrides {
    private static final String PLUGIN_PREFIX = KnownKeys.PLUGIN_BLOCK + "/";

    private Overrides() {
    }

    static void apply(List<String> overrides, ConfigSink sink) {
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String key = eq < 0 ? override.trim() : override.substring(0, eq).trim();
            if (eq <= 0 || key.isEmpty()) {
                String where = key.isEmpty() ? "-o: " : Origin.OVERRIDE.prefix(key);
                throw new ConfigException(where + "expected key=value, found '" + (eq < 0 ? override : "=...") + "'");
            }
            if (key.startsWith(PLUGIN_PREFIX)) key = key.substring(PLUGIN_PREFIX.length());
            sink.assign(ConfigParser.entry(key, override.substring(eq + 1).trim(), Origin.OVERRIDE));
        }
    }
}
