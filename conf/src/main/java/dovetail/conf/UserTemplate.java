package dovetail.conf;

import java.util.Locale;
import java.util.Optional;

/**
 * Dovecot user variables in templates such as {@code mail_location} and {@code imapc_user}:
 * {@code %u} (user@domain), {@code %n} (user part), {@code %d} (domain part, empty if none), {@code %%},
 * the long forms {@code %{user}}, {@code %{username}}, {@code %{domain}}, and the modifiers {@code L}
 * (lower case) and {@code U} (upper case), as in {@code %Ln}.
 */
public final class UserTemplate {
    private UserTemplate() {
    }

    /** Expands {@code template} for {@code user} ("alice@example.com" or "alice"). */
    public static String expand(String template, String user) {
        StringBuilder out = new StringBuilder();
        int at = user.indexOf('@');
        String name = at < 0 ? user : user.substring(0, at);
        String domain = at < 0 ? "" : user.substring(at + 1);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            Var v = variable(template, i);
            if (v == null) throw new IllegalArgumentException("bad template variable in " + template);
            String value = v.name == '%' ? "%" : v.name == 'u' ? user : v.name == 'n' ? name : domain;
            if (v.modifier == 'L') value = value.toLowerCase(Locale.ROOT);
            if (v.modifier == 'U') value = value.toUpperCase(Locale.ROOT);
            out.append(value);
            i = v.end - 1;
        }
        return out.toString();
    }

    /**
     * Whether {@code template} names the user: {@code %u} or {@code %n} (or {@code %{user}}, {@code %{username}},
     * with or without {@code L}/{@code U}). A path without one, or with only {@code %d}, is the same for every user
     * of a domain, so one user would read another's mail.
     */
    public static boolean namesUser(String template) {
        for (int i = 0; i < template.length(); i++) {
            if (template.charAt(i) != '%') continue;
            Var v = variable(template, i);
            if (v == null) return false;
            if (v.name == 'u' || v.name == 'n') return true;
            i = v.end - 1;
        }
        return false;
    }

    /** The first variable Dovetail cannot expand, e.g. "%h", if any. */
    static Optional<String> firstUnknownVariable(String template) {
        for (int i = 0; i < template.length(); i++) {
            if (template.charAt(i) != '%') continue;
            Var v = variable(template, i);
            if (v == null) {
                int end = template.indexOf('}', i);
                boolean braced = i + 1 < template.length() && template.charAt(i + 1) == '{' && end > 0;
                return Optional.of(braced ? template.substring(i, end + 1)
                        : template.substring(i, Math.min(template.length(), i + 2)));
            }
            i = v.end - 1;
        }
        return Optional.empty();
    }

    private static final class Var {
        final char modifier;
        final char name;
        final int end;

        Var(char modifier, char name, int end) {
            this.modifier = modifier;
            this.name = name;
            this.end = end;
        }
    }

    /** Parses the variable starting at {@code template[i] == '%'}; null if not one we know. */
    private static Var variable(String template, int i) {
        int j = i + 1;
        char modifier = 0;
        if (j < template.length() && (template.charAt(j) == 'L' || template.charAt(j) == 'U')) {
            modifier = template.charAt(j++);
        }
        if (j >= template.length()) return null;
        char c = template.charAt(j);
        if (c == '%' && modifier == 0) return new Var((char) 0, '%', j + 1);
        if (c == 'u' || c == 'n' || c == 'd') return new Var(modifier, c, j + 1);
        if (c == '{') {
            int close = template.indexOf('}', j);
            if (close < 0) return null;
            switch (template.substring(j + 1, close)) {
                case "user": return new Var(modifier, 'u', close + 1);
                case "username": return new Var(modifier, 'n', close + 1);
                case "domain": return new Var(modifier, 'd', close + 1);
                default: return null;
            }
        }
        return null;
    }
}
