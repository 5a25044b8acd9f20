package dovetail.conf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Dovecot 2.3 configuration syntax: comments, quoting, line continuation, {@code !include[_try]},
 * {@code name [arg] { ... }} blocks and {@code key = value} / {@code key = <path} lines. It knows no setting
 * names: every assignment outside an ignored block goes to the {@link ConfigSink} in file order.
 */
final class ConfigParser {
    private enum Mode { TOP, PLUGIN, IGNORED }

    private record Block(String kind, Origin opened, Mode mode) {
    }

    private record Source(Path shown, Path real) {
    }

    private final ConfigSink sink;
    private final Deque<Source> includeChain = new ArrayDeque<>();
    private final Set<String> warnedBlocks = new HashSet<>();

    ConfigParser(ConfigSink sink) {
        this.sink = sink;
    }

    /** Parses the main configuration file; a missing file is "file: cannot read: No such file". */
    void parseFile(Path file) {
        String text;
        try {
            text = read(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + IoErrors.reason(e));
        }
        parse(file, text, Mode.TOP);
    }

    /** Parses text as if it were the file {@code name} (includes are relative to name's directory). */
    void parseText(Path name, String text) {
        parse(name, text, Mode.TOP);
    }

    private void parse(Path file, String text, Mode baseMode) {
        includeChain.push(new Source(file, realPath(file)));
        Deque<Block> blocks = new ArrayDeque<>();
        String[] lines = text.split("\n", -1);
        StringBuilder continued = new StringBuilder();
        int continuedFrom = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            line = trimEnd(stripComment(trimStart(line)));
            if (line.isEmpty()) continue;
            if (line.endsWith("\\")) {
                if (continued.length() == 0) continuedFrom = i + 1;
                String part = trimEnd(line.substring(0, line.length() - 1));
                if (!part.isEmpty()) continued.append(part).append(' ');
                continue;
            }
            int lineNo = i + 1;
            if (continued.length() > 0) {
                line = continued + line;
                lineNo = continuedFrom;
                continued.setLength(0);
            }
            line(line, Origin.of(file, lineNo), blocks, blocks.isEmpty() ? baseMode : blocks.peek().mode());
        }
        if (continued.length() > 0) {
            line(trimEnd(continued.toString()), Origin.of(file, continuedFrom), blocks,
                    blocks.isEmpty() ? baseMode : blocks.peek().mode());
        }
        if (!blocks.isEmpty()) {
            Block open = blocks.peek();
            throw ConfigException.at(open.opened(), open.kind(),
                    "expected '}' to close the block opened here, found the end of the file");
        }
        includeChain.pop();
    }

    private void line(String line, Origin origin, Deque<Block> blocks, Mode mode) {
        int i = 0;
        while (i < line.length() && !isWhite(line.charAt(i)) && line.charAt(i) != '=') i++;
        String key = line.substring(0, i);
        String rest = trimStart(line.substring(i));

        if (key.equals("!include") || key.equals("!include_try")) {
            if (mode != Mode.IGNORED) include(key, unquote(rest), origin, mode);
            return;
        }
        if (rest.startsWith("=")) {
            if (key.isEmpty()) {
                throw new ConfigException(origin.where() + ": expected a setting name before '=', found '"
                        + line + "'");
            }
            if (mode != Mode.IGNORED) sink.assign(entry(key, trimStart(rest.substring(1)), origin));
            return;
        }
        if (key.equals("}") && rest.isEmpty()) {
            if (blocks.isEmpty()) {
                throw ConfigException.at(origin, "}", "expected '}' only to close a block, found no open block");
            }
            blocks.pop();
            return;
        }
        openBlock(key, rest, line, origin, blocks, mode);
    }

    static RawEntry entry(String key, String value, Origin origin) {
        if (value.startsWith("<")) return new RawEntry(key, trimStart(value.substring(1)), RawEntry.Kind.FILE, origin);
        if (value.startsWith("\"") || value.startsWith("'")) {
            char quote = value.charAt(0);
            if (value.length() < 2 || value.charAt(value.length() - 1) != quote || value.endsWith("\\" + quote)
                    && !value.endsWith("\\\\" + quote)) {
                throw ConfigException.at(origin, key, "expected a closing " + quote + " at the end of the value");
            }
            return new RawEntry(key, unescape(value.substring(1, value.length() - 1)), RawEntry.Kind.QUOTED, origin);
        }
        return new RawEntry(key, value, RawEntry.Kind.PLAIN, origin);
    }

    private void openBlock(String kind, String rest, String line, Origin origin, Deque<Block> blocks, Mode mode) {
        String afterName;
        if (rest.startsWith("{")) {
            afterName = rest;
        } else if (rest.startsWith("\"")) {
            int close = rest.indexOf('"', 1);
            afterName = close < 0 ? "" : trimStart(rest.substring(close + 1));
        } else {
            int end = 0;
            while (end < rest.length() && !isWhite(rest.charAt(end))) end++;
            afterName = end == 0 ? "" : trimStart(rest.substring(end));
        }
        if (kind.isEmpty() || kind.equals("{") || !afterName.startsWith("{") || afterName.length() > 1) {
            String found = KnownKeys.isSecret(kind) ? "a line without '='" : "'" + line + "'";
            if (afterName.startsWith("{") && afterName.length() > 1) {
                throw ConfigException.at(origin, kind, "expected nothing after '{' (put the block's contents on "
                        + "their own lines), found '" + afterName.substring(1).strip() + "'");
            }
            throw ConfigException.at(origin, kind.isEmpty() ? line : kind,
                    "expected 'key = value' or 'name [arg] {', found " + found);
        }
        if (mode == Mode.IGNORED) {
            blocks.push(new Block(kind, origin, Mode.IGNORED));
        } else if (kind.equals(KnownKeys.PLUGIN_BLOCK)) {
            blocks.push(new Block(kind, origin, Mode.PLUGIN));
        } else if (KnownKeys.isDovecotBlock(kind)) {
            if (warnedBlocks.add(kind)) {
                sink.warn(origin.where() + ": ignored: Dovecot block '" + kind + " { }' is not used by Dovetail");
            }
            blocks.push(new Block(kind, origin, Mode.IGNORED));
        } else {
            throw ConfigException.at(origin, kind, "expected a known block (plugin, or a Dovecot block such as "
                    + "protocol, service, namespace, passdb, userdb), found '" + kind + " {'");
        }
    }

    private void include(String keyword, String pattern, Origin origin, Mode mode) {
        boolean optional = keyword.equals("!include_try");
        if (pattern.isEmpty()) throw ConfigException.at(origin, keyword, "expected a file name, found nothing");
        Path path = origin.resolve(pattern);
        List<Path> files;
        Path name = path.getFileName();
        if (name != null && hasGlob(name.toString())) {
            files = glob(path);
            if (files.isEmpty()) {
                if (optional) return;
                throw ConfigException.at(origin, keyword,
                        "expected at least one file matching " + path + ", found none");
            }
        } else {
            files = List.of(path);
        }
        for (Path file : files) {
            String text;
            try {
                text = read(file);
            } catch (IOException e) {
                if (optional) continue;
                throw ConfigException.at(origin, keyword, "cannot read " + file + ": " + IoErrors.reason(e));
            }
            Path real = realPath(file);
            if (includeChain.stream().anyMatch(s -> s.real().equals(real))) {
                List<Source> chain = new ArrayList<>(includeChain);
                java.util.Collections.reverse(chain);
                String cycle = Stream.concat(chain.stream().map(s -> s.shown().toString()), Stream.of(file.toString()))
                        .collect(Collectors.joining(" -> "));
                throw ConfigException.at(origin, keyword, "expected no include cycle, found " + cycle);
            }
            parse(file, text, mode);
        }
    }

    private static List<Path> glob(Path pattern) {
        Path dir = pattern.getParent();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
        try (Stream<Path> s = Files.list(dir == null ? Path.of(".") : dir)) {
            return s.filter(p -> matcher.matches(p.getFileName())).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean hasGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** Cuts a {@code #} comment that starts a line or follows whitespace, outside quotes. */
    static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < line.length() && line.charAt(j) != c) {
                    if (line.charAt(j) == '\\') j++;
                    j++;
                }
                if (j >= line.length()) return line;
                i = j;
            } else if (c == '#' && (i == 0 || isWhite(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Dovecot's str_unescape: backslash escapes, with \n, \r and \t. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : n);
        }
        return b.toString();
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) return unescape(s.substring(1, s.length() - 1));
        return s;
    }

    static boolean isWhite(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    static String trimStart(String s) {
        int i = 0;
        while (i < s.length() && isWhite(s.charAt(i))) i++;
        return s.substring(i);
    }

    static String trimEnd(String s) {
        int i = s.length();
        while (i > 0 && isWhite(s.charAt(i - 1))) i--;
        return s.substring(0, i);
    }
}
