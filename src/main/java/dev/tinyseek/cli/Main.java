package dev.tinyseek.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/// The `tinyseek` command line: `tinyseek <command> [options]`, every command with `--help`.
///
/// Exit codes: 0 success, 1 the command failed (the message says why), 2 a bad command line.
public final class Main {

    /// A subcommand: its one-line summary and its body.
    interface Command {
        String summary();

        int run(String[] args, PrintStream out) throws Exception;
    }

    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("train", new TrainCommand());
        COMMANDS.put("generate", new GenerateCommand());
        COMMANDS.put("inspect", new InspectCommand());
        COMMANDS.put("balance-ablation", new BalanceAblationCommand());
        COMMANDS.put("notebook", new NotebookCommand());
        COMMANDS.put("cost", new CostCommand());
        COMMANDS.put("bench", new BenchCommand());
        COMMANDS.put("models", new ModelsCommand());
        COMMANDS.put("demo", new DemoCommand());
        COMMANDS.put("grade", new GradeCommand());
        COMMANDS.put("fp8-ablation", new Fp8AblationCommand());
        COMMANDS.put("text-experiments", new TextExperimentsCommand());
        COMMANDS.put("grpo", new GrpoCommand());
        COMMANDS.put("r1", new R1Command());
        COMMANDS.put("jupyter", new JupyterCommand());
        COMMANDS.put("gpu-check", new GpuCheckCommand());
        COMMANDS.put("gpu-kit", new GpuKitCommand());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /// Runs a command line and returns its exit code (the testable form of [#main]).
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = false;
        for (String a : args) {
            debug |= a.equals("--debug");
        }
        args = java.util.Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        try {
            args = BackendFlag.apply(args); // global --backend NAME, before the command
        } catch (Args.UsageException | IllegalStateException e) {
            err.println("tinyseek: " + oneLine(e));
            return e instanceof Args.UsageException ? 2 : 1;
        }
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            out.println("tinyseek " + version());
            return 0;
        }
        Command c = COMMANDS.get(args[0]);
        if (c == null) {
            err.println("tinyseek: unknown command '" + args[0] + "'; valid: " + String.join(", ", COMMANDS.keySet())
                    + " (see 'tinyseek --help')");
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            return c.run(rest, out);
        } catch (Args.HelpShown e) {
            return 0;
        } catch (Args.UsageException e) {
            err.println("tinyseek " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (Exception | OutOfMemoryError e) {
            err.println("tinyseek " + args[0] + ": " + oneLine(e));
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        String s = (m == null || m.isBlank()) ? e.getClass().getSimpleName() : m;
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException || e.getClass().getName().startsWith("dev.tinyseek")) {
            return s.replace('\n', ' ');
        }
        return (e.getClass().getSimpleName() + ": " + s).replace('\n', ' ');
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: tinyseek <command> [options]   (tinyseek <command> --help for details)\n\ncommands:\n");
        COMMANDS.forEach((name, c) -> sb.append(String.format("  %-17s %s%n", name, c.summary())));
        sb.append(String.format("  %-17s %s%n", "test", "run the test suite (./tinyseek launcher only)"));
        sb.append(String.format("  %-17s %s%n", "jshell", "JShell with tinyseek loaded and notebooks/tinyseek.jsh (./tinyseek launcher only)"));
        sb.append("\nglobal: --debug prints stack traces; --version; --backend vector|java|naive|blas|cuda (before the command) picks the GEMM\n");
        return sb.toString();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /// The jar this JVM runs from (`./tinyseek` runs `target/tinyseek.jar`), else `target/tinyseek.jar`
    /// (the tests' classes folder, or an unusual class loader with no code source).
    static java.nio.file.Path runningJar() {
        try {
            java.nio.file.Path self = java.nio.file.Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (self.toString().endsWith(".jar")) {
                return self.toAbsolutePath();
            }
        } catch (Exception e) {
            // no code source: the checkout's path below
        }
        return java.nio.file.Path.of("target", "tinyseek.jar").toAbsolutePath();
    }
}
