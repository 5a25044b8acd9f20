package dovetail.conf;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Typed readings of one setting's text. Each failure is a one-line {@link ConfigException} naming where it was set. */
final class Values {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.-]+|\\*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");

    private Values() {
    }

    static boolean bool(SettingValue v) {
        switch (v.text().toLowerCase(Locale.ROOT)) {
            case "yes": case "y": case "1": case "true":
                return true;
            case "no": case "n": case "0": case "false":
                return false;
            default:
                throw v.error("expected yes or no, found " + v.shown());
        }
    }

    /** A plugin switch: as {@link #bool}, but an empty value means no. */
    static boolean pluginBool(SettingValue v) {
        return !v.isEmpty() && bool(v);
    }

    static int number(SettingValue v, int min, int max) {
        String t = v.text();
        String range = max == Integer.MAX_VALUE ? " >= " + min : " from " + min + " to " + max;
        if (t.isEmpty() || t.length() > 10 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw v.error("expected a whole number" + range + ", found " + (t.isEmpty() ? "nothing" : v.shown()));
        }
        long n = Long.parseLong(t);
        if (n < min || n > max) throw v.error("expected a whole number" + range + ", found " + v.shown());
        return (int) n;
    }

    static Duration duration(SettingValue v, ChronoUnit bareUnit) {
        try {
            return Durations.parse(v.text(), bareUnit);
        } catch (IllegalArgumentException e) {
            throw v.error("expected a time such as 30s, 500ms, 5 mins, 72h or 3d, found "
                    + (v.isEmpty() ? "nothing" : v.shown()));
        }
    }

    /** One of the words in {@code choices} (in the order they are listed in messages). */
    static <E> E choice(SettingValue v, Map<String, E> choices) {
        E e = choices.get(v.text());
        if (e == null) {
            throw v.error("expected " + KnownKeys.orList(choices.keySet()) + ", found "
                    + (v.isEmpty() ? "nothing" : v.shown()));
        }
        return e;
    }

    /** Words separated by spaces or commas (as Dovecot splits feature lists), lower-cased. */
    static List<String> words(SettingValue v) {
        List<String> out = new ArrayList<>();
        for (String w : v.text().split("[ ,\t]+")) {
            if (!w.isEmpty()) out.add(w.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    static Optional<String> optional(SettingValue v) {
        return v.isEmpty() ? Optional.empty() : Optional.of(v.text());
    }

    /** A user-name template: only the variables {@link UserTemplate} expands. */
    static String template(SettingValue v) {
        Optional<String> bad = UserTemplate.firstUnknownVariable(v.text());
        if (bad.isPresent()) {
            throw v.error("expected only the variables %u, %n, %d and %%, found " + bad.get() + " in " + v.shown());
        }
        return v.text();
    }

    /** {@code host:port} ({@code [v6]:port}), or empty for off. */
    static Optional<Endpoint.Tcp> tcp(SettingValue v) {
        if (v.isEmpty()) return Optional.empty();
        return Optional.of(hostPort(v, "expected host:port (IPv6 as [::1]:143) or nothing, found "));
    }

    /** {@code host:port}, {@code unix:/path}, or empty for off. */
    static Optional<Endpoint> tcpOrUnix(SettingValue v) {
        if (v.isEmpty()) return Optional.empty();
        String expected = "expected host:port (IPv6 as [::1]:24), unix:/path or nothing, found ";
        if (v.text().startsWith("unix:")) {
            String p = v.text().substring(5).trim();
            if (p.isEmpty()) throw v.error(expected + v.shown());
            return Optional.of(new Endpoint.Unix(path(v, p)));
        }
        return Optional.of(hostPort(v, expected));
    }

    private static Endpoint.Tcp hostPort(SettingValue v, String expected) {
        String s = v.text();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') throw v.error(expected + v.shown());
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!IPV6.matcher(host).matches()) throw v.error(expected + v.shown());
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) throw v.error(expected + v.shown());
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw v.error("expected an IPv6 address in brackets, as in [::1]:143, found " + v.shown());
            }
            if (!HOST.matcher(host).matches()) throw v.error(expected + v.shown());
            if (host.equals("*")) host = "0.0.0.0";
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(port) > 65535) {
            throw v.error("expected a port from 0 to 65535 after the host, found " + v.shown());
        }
        return new Endpoint.Tcp(host, Integer.parseInt(port));
    }

    /** A path, relative to the file that sets it. */
    static Path path(SettingValue v, String text) {
        try {
            return v.origin().resolve(text);
        } catch (InvalidPathException e) {
            throw v.error("expected a file name, found " + v.shown());
        }
    }

    /** An existing, readable regular file, or empty when the value is empty. */
    static Optional<Path> readableFile(SettingValue v) {
        if (v.isEmpty()) return Optional.empty();
        return Optional.of(readableFile(v, v.fileRef() ? Path.of(v.text()) : path(v, v.text())));
    }

    static Path readableFile(SettingValue v, Path p) {
        String problem = !Files.exists(p) ? "No such file"
                : Files.isDirectory(p) ? "it is a directory"
                : !Files.isRegularFile(p) ? "not a regular file"
                : !Files.isReadable(p) ? "Permission denied" : null;
        if (problem != null) throw v.error("expected a readable file, found " + p + ": " + problem);
        return p;
    }

    /** An existing, readable directory, or empty when the value is empty. */
    static Optional<Path> directory(SettingValue v) {
        if (v.isEmpty()) return Optional.empty();
        Path p = path(v, v.text());
        String problem = !Files.exists(p) ? "No such file"
                : !Files.isDirectory(p) ? "not a directory"
                : !Files.isReadable(p) ? "Permission denied" : null;
        if (problem != null) throw v.error("expected a readable directory, found " + p + ": " + problem);
        return Optional.of(p);
    }
}
