package dev.tinyseek.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// A small command-line parser: `--name value` options, `--flag` switches and positional
/// arguments, each declared with a help line. Anything undeclared or malformed is a
/// [UsageException], which the entry point prints as one line and exits with code 2.
final class Args {

    /// A bad command line; the message is one line naming the flag, the value and the fix.
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private record Option(String name, String metavar, String defaultValue, String help, boolean isSwitch) {
    }

    private final String command;
    private final String summary;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final List<String[]> positionalHelp = new ArrayList<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();

    Args(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    Args option(String name, String metavar, String defaultValue, String help) {
        options.put(name, new Option(name, metavar, defaultValue, help, false));
        return this;
    }

    Args flag(String name, String help) {
        options.put(name, new Option(name, null, null, help, true));
        return this;
    }

    Args positional(String name, String help) {
        positionalHelp.add(new String[] {name, help});
        return this;
    }

    /// Thrown by [#parseOrHelp] once the help is printed; the entry point exits with code 0.
    static final class HelpShown extends RuntimeException {
        HelpShown() {
            super("help shown", null, false, false);
        }
    }

    /// Parses `argv`; on `--help`, prints [#usage()] to `out` and throws [HelpShown].
    Args parseOrHelp(String[] argv, java.io.PrintStream out) {
        if (!parse(argv)) {
            out.print(usage());
            throw new HelpShown();
        }
        return this;
    }

    /// Runs a check of the library; its [IllegalArgumentException] is a bad command line.
    static <T> T usage(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /// Parses `argv`; returns false when `--help` was asked (the caller prints [#usage()]).
    boolean parse(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--help") || a.equals("-h")) {
                return false;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Option o = options.get(name);
                if (o == null) {
                    throw new UsageException("unknown option --" + name + " for '" + command + "'; see 'tinyseek " + command + " --help'");
                }
                if (o.isSwitch) {
                    if (inline != null) {
                        throw new UsageException("--" + name + " is a switch and takes no value");
                    }
                    values.put(name, "true");
                } else {
                    String v = inline;
                    if (v == null) {
                        if (i + 1 >= argv.length) {
                            throw new UsageException("--" + name + " needs a value (" + o.metavar + ")");
                        }
                        v = argv[++i];
                    }
                    values.put(name, v);
                }
            } else {
                positionals.add(a);
            }
        }
        boolean variadic = !positionalHelp.isEmpty() && positionalHelp.get(positionalHelp.size() - 1)[0].endsWith("...");
        if (!variadic && positionals.size() > positionalHelp.size()) {
            throw new UsageException("unexpected argument '" + positionals.get(positionalHelp.size()) + "' for '" + command
                    + "'; see 'tinyseek " + command + " --help'");
        }
        return true;
    }

    /// The options given on the command line (names only).
    java.util.Set<String> given() {
        return java.util.Collections.unmodifiableSet(values.keySet());
    }

    String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: tinyseek ").append(command);
        for (String[] p : positionalHelp) {
            sb.append(' ').append(p[0]);
        }
        sb.append(" [options]\n\n").append(summary).append("\n");
        if (!positionalHelp.isEmpty()) {
            sb.append("\narguments:\n");
            for (String[] p : positionalHelp) {
                sb.append(String.format("  %-22s %s%n", p[0], p[1]));
            }
        }
        sb.append("\noptions:\n");
        for (Option o : options.values()) {
            String left = "--" + o.name + (o.isSwitch ? "" : " " + o.metavar);
            String def = o.defaultValue == null ? "" : " (default " + o.defaultValue + ")";
            sb.append(String.format("  %-22s %s%s%n", left, o.help, def));
        }
        sb.append(String.format("  %-22s %s%n", "--help", "show this help"));
        return sb.toString();
    }

    String positional(int i, String name) {
        if (i >= positionals.size()) {
            throw new UsageException("missing " + name + "; see 'tinyseek " + command + " --help'");
        }
        return positionals.get(i);
    }

    /// Every positional argument given (for a last positional named `NAME...`, which takes many).
    List<String> positionals() {
        return List.copyOf(positionals);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name) {
        String v = values.get(name);
        return v != null ? v : options.get(name).defaultValue;
    }

    boolean isSet(String name) {
        return "true".equals(values.get(name));
    }

    int integer(String name, int min, int max) {
        String v = string(name);
        try {
            int x = Integer.parseInt(v.replace("_", ""));
            if (x < min || x > max) {
                throw new UsageException("--" + name + " " + v + " is out of range; expected an integer in [" + min + ", " + max + "]");
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + v + " is not an integer; expected one in [" + min + ", " + max + "]");
        }
    }

    long longValue(String name) {
        String v = string(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + v + " is not an integer");
        }
    }

    double number(String name, double min, double max) {
        String v = string(name);
        try {
            double x = Double.parseDouble(v);
            if (!(x >= min && x <= max)) {
                throw new UsageException("--" + name + " " + v + " is out of range; expected a number in [" + min + ", " + max + "]");
            }
            return x;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + v + " is not a number; expected one in [" + min + ", " + max + "]");
        }
    }

    String choice(String name, String... allowed) {
        String v = string(name);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UsageException("--" + name + " " + v + " is not valid; expected one of " + String.join(", ", allowed));
    }
}
