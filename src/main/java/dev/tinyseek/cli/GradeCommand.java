package dev.tinyseek.cli;

import dev.tinyseek.exercises.Exercise;
import dev.tinyseek.exercises.Exercises;
import dev.tinyseek.exercises.Grader;
import dev.tinyseek.exercises.Limits;
import dev.tinyseek.exercises.Sandbox;
import dev.tinyseek.exercises.StudentCompiler;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// `tinyseek grade FILE.java`: compiles a student's solution of an exercise in memory, runs the
/// exercise's properties and gradient checks on it in a separate, limited JVM (in bubblewrap where
/// it works), and prints the report (exit code 0 only when every check passes). `--list` lists
/// the exercises, `--starter NAME` writes a starter file.
final class GradeCommand implements Main.Command {

    @Override
    public String summary() {
        return "grade an exercise solution (FILE.java); --list, --starter NAME";
    }

    static Args spec() {
        return new Args("grade", "Compiles FILE.java in memory, finds the exercise interface its class implements, runs that\n"
                + "exercise's properties and gradient checks on it in place of tinyseek's own code, and prints what passed,\n"
                + "the smallest failing case and a hint for each failure. Exit code 0 only when every check passes.\n"
                + "The code runs in its own short-lived JVM (256 MB heap, a time limit for every phase), inside bubblewrap\n"
                + "(no network, read-only file system) where it is installed and works; the verdict is decided here.\n"
                + "Start from a starter file: tinyseek grade --list, then tinyseek grade --starter NAME.")
                .positional("FILE", "a .java file whose class implements an exercise interface")
                .flag("list", "list the exercises")
                .option("starter", "NAME", null, "write the starter file of exercise NAME (see --list)")
                .option("out", "DIR", ".", "where --starter writes the file")
                .flag("force", "let --starter overwrite an existing file")
                .option("sandbox", "MODE", "auto", "auto (bubblewrap where it works), bwrap (refuse without it), none")
                .option("time-limit", "S", "60", "seconds for each check, and for creating the class (the end: 5 s at most)");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        if (a.isSet("list")) {
            out.print(Exercises.listing());
            return 0;
        }
        if (a.has("starter")) {
            String name = a.string("starter");
            Exercise<?> ex = Exercises.byName(name).orElseThrow(() -> new Args.UsageException(
                    "--starter " + name + " is not an exercise; valid: " + Exercises.names()));
            Path file = Exercises.writeStarter(ex, Path.of(a.string("out")), a.isSet("force"));
            out.println("wrote " + file + "; fill in the TODOs, then: tinyseek grade " + file);
            return 0;
        }
        if (a.positionals().isEmpty()) {
            throw new Args.UsageException("missing FILE.java (or --list, or --starter NAME); see 'tinyseek grade --help'");
        }
        Path file = Path.of(a.positional(0, "FILE"));
        if (!file.getFileName().toString().endsWith(".java")) {
            throw new Args.UsageException(file + " is not a .java file; pass the source file of your solution, e.g. MySoftmax.java");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        Limits limits = Limits.DEFAULT.withTimeLimit(a.number("time-limit", 0.001, 86_400));
        Sandbox sandbox = Sandbox.choose(Sandbox.Mode.parse(a.choice("sandbox", "auto", "bwrap", "none")));
        Grader.Graded g = Grader.gradeSource(new StudentCompiler.Source(file.getFileName().toString(),
                Files.readString(file, StandardCharsets.UTF_8)), sandbox, limits);
        out.print(g.report());
        return g.passed() ? 0 : 1;
    }
}
