package mdlora.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mdlora.launcher.config.Suggest;

/**
 * A command line split into options ({@code --name value}, {@code --name=value}, or a bare
 * {@code --flag}) and positional arguments, checked against the options the command accepts so that a
 * typo is a one-line error naming the nearest real option rather than a silently ignored word.
 */
public final class Args {
    private final String command;
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * Parses {@code argv} for {@code command}: {@code valued} options take a value, {@code flags} take
     * none (both named without the leading dashes); anything after {@code --} is positional.
     */
    public static Args parse(String command, String[] argv, Set<String> valued, Set<String> flags) {
        Args args = new Args(command);
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--")) {
                args.positional.addAll(List.of(argv).subList(i + 1, argv.length));
                break;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                args.positional.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = a.substring(2, eq < 0 ? a.length() : eq);
            String value;
            if (flags.contains(name)) {
                if (eq >= 0) throw new UserError("option --" + name + " takes no value");
                value = "true";
            } else if (valued.contains(name)) {
                if (eq >= 0) value = a.substring(eq + 1);
                else if (i + 1 < argv.length) value = argv[++i];
                else throw new UserError("option --" + name + " needs a value");
            } else {
                throw new UserError("unknown option --" + name + Suggest.nearest(name, union(valued, flags), " (did you mean --%s?)")
                        + " (mdlora " + command + " --help lists the options)");
            }
            args.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return args;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Whether the option was given. */
    public boolean has(String name) {
        return options.containsKey(name);
    }

    /** The value of a flag: given or not. */
    public boolean flag(String name) {
        return has(name);
    }

    /** The last value given for {@code name}, or {@code fallback}. */
    public String get(String name, String fallback) {
        List<String> values = options.get(name);
        return values == null ? fallback : values.getLast();
    }

    /** The last value given for {@code name}; a user error when it is missing. */
    public String require(String name) {
        String v = get(name, null);
        if (v == null) throw new UserError("missing --" + name + " (mdlora " + command + " --help shows the usage)");
        return v;
    }

    /** Every value given for a repeatable option, in order. */
    public List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** Options in the order first given, each with all its values. */
    public Map<String, List<String>> options() {
        return options;
    }

    public int getInt(String name, int fallback) {
        String v = get(name, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UserError("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** The value of {@code name} as a count: an integer, zero or more; {@code fallback} when not given. */
    public int getCount(String name, int fallback) {
        int v = getInt(name, fallback);
        if (v < 0) throw new UserError("--" + name + " must be 0 or more, got " + v);
        return v;
    }

    /** This command line, checked to have no positional arguments (a stray word is refused, not ignored). */
    public Args withoutPositionals() {
        if (!positional.isEmpty())
            throw new UserError("unexpected argument '" + positional.getFirst() + "' (mdlora " + command + " takes only options; --help lists them)");
        return this;
    }

    /** The path given for {@code name}, which must exist. */
    public Path existingPath(String name) {
        return existing(Path.of(require(name)), "--" + name);
    }

    /** {@code path}, checked to exist; {@code what} names it in the error. */
    public static Path existing(Path path, String what) {
        if (!Files.exists(path)) throw new UserError(what + ": no such file or directory: " + path);
        return path;
    }

    public List<String> positional() {
        return positional;
    }
}
