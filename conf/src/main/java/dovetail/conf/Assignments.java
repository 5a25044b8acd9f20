package dovetail.conf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Applies {@code key = value} lines in order: checks the key's group, expands {@code $key} from the values
 * assigned so far, warns once per ignored Dovecot key, and keeps the last value of each key.
 */
final class Assignments implements ConfigSink {
    private final Map<String, SettingValue> values = new HashMap<>();
    private final Set<String> warnedKeys = new HashSet<>();
    private final List<String> warnings = new ArrayList<>();
    private final Function<String, String> environment;

    Assignments(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void warn(String warning) {
        warnings.add(warning);
    }

    @Override
    public void assign(RawEntry entry) {
        String key = entry.key();
        Origin origin = entry.origin();
        KnownKeys.Group group = KnownKeys.group(key);
        if (group == KnownKeys.Group.UNKNOWN) {
            throw ConfigException.at(origin, key, "unknown setting, expected a Dovetail or Dovecot 2.3 setting name"
                    + KnownKeys.suggestion(key));
        }
        if (group == KnownKeys.Group.DOVECOT_IGNORED && warnedKeys.add(key)) {
            warnings.add(origin.where() + ": ignored: Dovecot setting " + key + " is not used by Dovetail");
        }
        String text;
        boolean fileRef = false;
        switch (entry.kind()) {
            case QUOTED:
                text = entry.value();
                break;
            case PLAIN:
                text = entry.value().indexOf('$') < 0 || KnownKeys.isKeywordKey(key) ? entry.value()
                        : expand(key, entry.value(), origin);
                break;
            default: // FILE
                if (group == KnownKeys.Group.DOVECOT_IGNORED) {
                    text = "<" + entry.value();
                } else if (entry.value().isEmpty()) {
                    throw ConfigException.at(origin, key, "expected a file name after '<', found nothing");
                } else if (KnownKeys.isPathKey(key)) {
                    text = origin.resolve(entry.value()).toString();
                    fileRef = true;
                } else {
                    text = contents(key, origin.resolve(entry.value()), origin);
                }
        }
        values.put(key, new SettingValue(key, text, fileRef, origin));
    }

    /** Dovecot 2.3: whitespace-separated tokens that start with '$' are replaced; tokens are re-joined by one space. */
    private String expand(String key, String value, Origin origin) {
        StringBuilder out = new StringBuilder();
        for (String token : value.trim().split("[ \t]+")) {
            if (out.length() > 0) out.append(' ');
            if (!token.startsWith("$")) {
                out.append(token);
            } else if (token.startsWith("$ENV:")) {
                String env = environment.apply(token.substring(5));
                out.append(env == null ? "" : env);
            } else {
                out.append(lookup(key, token.substring(1), origin));
            }
        }
        return out.toString();
    }

    private String lookup(String key, String name, Origin origin) {
        SettingValue v = values.get(name);
        if (v != null) return v.fileRef() ? "<" + v.text() : v.text();
        Optional<String> def = KnownKeys.defaultForExpansion(name);
        if (def.isPresent()) return def.get();
        String variable = KnownKeys.isSecret(key) ? "in the value" : "$" + name;
        throw ConfigException.at(origin, key, "unknown variable " + variable + " (expected $ and a setting name; "
                + "quote the value if '$' is meant literally)");
    }

    /** {@code key = <file} for a key that is not a path: the file's contents without the final line break. */
    private static String contents(String key, Path file, Origin origin) {
        try {
            String s = ConfigParser.read(file);
            if (s.endsWith("\r\n")) return s.substring(0, s.length() - 2);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw ConfigException.at(origin, key,
                    "expected a readable file, found " + file + ": " + IoErrors.reason(e));
        }
    }

    /** The value assigned last, or Dovetail's default. */
    SettingValue get(String key) {
        SettingValue v = values.get(key);
        if (v != null) return v;
        String def = KnownKeys.DEFAULTS.get(key);
        if (def == null) throw new IllegalArgumentException("not a Dovetail setting: " + key);
        return new SettingValue(key, def, false, Origin.DEFAULT);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
