package io.streamsparse.tools.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} / {@code --name=value} options of one command, checked against the names the command
 * knows; {@code --help} / {@code -h} is a flag. Each name at most once; no positional arguments. Errors are
 * {@link IllegalArgumentException}s that quote the bad argument.
 */
final class Args {

    private final Map<String, String> values;
    private final boolean help;

    private Args(Map<String, String> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    static Args parse(String[] args, Set<String> names) {
        Map<String, String> values = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!names.contains(name)) {
                throw new IllegalArgumentException("unknown option: --" + name);
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException("option --" + name + " given twice");
            }
        }
        return new Args(values, help);
    }

    boolean help() {
        return help;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The value as a long in {@code [min, max]}, or {@code fallback} when absent. */
    long number(String name, long fallback, long min, long max) {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got " + raw);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be in [" + min + ", " + max + "], got " + raw);
        }
        return value;
    }
}
