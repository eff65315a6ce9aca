package dev.tinyseek.exercises;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/// Grades a student's implementation: compiles the file against the exercise interfaces alone,
/// finds which interface each of its classes implements, and runs that exercise's checks on it in
/// place of tinyseek's own code; then writes the report — what passed, the smallest failing case
/// of what did not, and a hint that points to the likely bug and the equation.
///
/// The student's code never runs in the grader's JVM. Each graded class runs in its own
/// short-lived JVM ([Submission]), inside the [Sandbox] where there is one, under [Limits] for
/// every phase; the checks, the cases and the verdict stay here, and a process that ends, loops
/// or misbehaves fails the check that was running.
///
/// ```java
/// Grader.Graded g = Grader.gradeSource(new StudentCompiler.Source("MySoftmax.java", code));
/// System.out.print(g.report());   // g.passed(): every check of every graded class passed
/// ```
public final class Grader {

    /// How long one check may run before the grader gives up on it (an endless loop).
    public static final long CHECK_TIME_LIMIT_MS = Limits.DEFAULT.checkMs();

    /// How many lines of what the student's code printed the report shows.
    public static final int PRINTED_LINES = 20;

    /// One check's result.
    public record Entry(String name, String hint, Check.Outcome outcome) {
    }

    /// All checks of one class, and what its code printed (empty when it ran in this JVM).
    public record Result(Exercise<?> exercise, String className, List<Entry> entries, String printed, long printedBytes) {
        public Result(Exercise<?> exercise, String className, List<Entry> entries) {
            this(exercise, className, entries, "", 0);
        }

        public boolean passed() {
            return entries.size() >= exercise.checks().size() && entries.stream().allMatch(e -> e.outcome().passed());
        }

        public long passedCount() {
            return entries.stream().filter(e -> e.outcome().passed()).count();
        }
    }

    /// A graded file: the report to print, and whether everything passed (exit code 0).
    public record Graded(String report, boolean passed, List<Result> results) {
    }

    private Grader() {
    }

    /// Compiles one file in memory and grades every class in it that implements an exercise, in
    /// bubblewrap where it works, with the default limits.
    public static Graded gradeSource(StudentCompiler.Source source) {
        return gradeSource(source, Sandbox.choose(Sandbox.Mode.AUTO), Limits.DEFAULT);
    }

    /// Same, in `sandbox` with `limits`.
    public static Graded gradeSource(StudentCompiler.Source source, Sandbox sandbox, Limits limits) {
        StudentCompiler.Compiled c = StudentCompiler.compile(List.of(source));
        if (!c.ok()) {
            StringBuilder r = new StringBuilder(source.fileName() + " does not compile (" + c.errors().size()
                    + (c.errors().size() == 1 ? " error" : " errors") + "):\n\n");
            for (String e : c.errors()) {
                r.append(e).append("\n\n");
            }
            if (c.errors().stream().anyMatch(e -> e.contains("package dev.tinyseek") || e.contains("package sun.")
                    || e.contains("package jdk.") || e.contains("is not visible"))) {
                r.append(wrap("note: a solution may use its exercise's interface and the JDK's java.base module (java.lang, "
                        + "java.util, ...) only: tinyseek's own classes, the grader and the JDK's internals are not on its class path.",
                        "", "      "));
            }
            r.append("Result: FAIL (fix the compile errors first)\n");
            return new Graded(r.toString(), false, List.of());
        }
        return gradeCompiled(source.fileName(), c, sandbox, limits);
    }

    /// Grades every class of `compiled` that implements an exercise interface, each in its own process.
    public static Graded gradeCompiled(String fileName, StudentCompiler.Compiled compiled, Sandbox sandbox, Limits limits) {
        StringBuilder r = new StringBuilder("sandbox: " + sandbox + "\n\n");
        List<String> ours = compiled.classNames().stream().filter(n -> n.startsWith("dev.tinyseek.")).toList();
        if (!ours.isEmpty()) {
            r.append(fileName).append(": refused: its class ").append(ours.getFirst())
                    .append(" is in tinyseek's own package; put your classes in the default package or a package of your own\n")
                    .append("Result: FAIL\n");
            return new Graded(r.toString(), false, List.of());
        }
        List<Result> results = new ArrayList<>();
        for (String k : compiled.classNames()) {
            for (Exercise<?> ex : Exercises.all()) {
                if (compiled.implementing(ex.api()).contains(k)) {
                    Result res = isolated(ex, k, compiled.classes(), sandbox, limits);
                    results.add(res);
                    r.append(report(fileName, res));
                }
            }
        }
        if (results.isEmpty()) {
            r.append(fileName).append(": no class in it implements an exercise interface. Implement one of:\n");
            for (Exercise<?> ex : Exercises.all()) {
                r.append(String.format(Locale.ROOT, "  %-40s %s%n", ex.api().getName(), "(" + ex.name() + ")"));
            }
            r.append("or start from a starter file: tinyseek grade --starter NAME\nResult: FAIL\n");
            return new Graded(r.toString(), false, results);
        }
        boolean all = results.stream().allMatch(Result::passed);
        return new Graded(r.toString(), all, results);
    }

    /// Runs the checks of `ex` on class `className` (from the class files `classes`) in its own process.
    public static <S> Result isolated(Exercise<S> ex, String className, Map<String, byte[]> classes, Sandbox sandbox, Limits limits) {
        Submission sub;
        try {
            sub = Submission.launch(className, ex.api(), classes, sandbox, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the submission's process: " + e.getMessage(), e);
        }
        try (sub) {
            try {
                sub.awaitReady();
            } catch (Submission.Threw | Submission.Gone e) {
                String simple = className.substring(className.lastIndexOf('.') + 1);
                return new Result(ex, className, List.of(new Entry("create an instance with new " + simple + "()",
                        e instanceof Submission.Threw ? "give the class a public constructor without arguments that does not throw"
                                : "loading the class, its static initialiser and its constructor must end quickly and must not end the program",
                        Check.Outcome.fail(1, "(none)", "could not create it: " + Cases.message(e)))), sub.printedText(), sub.printedBytes());
            }
            List<Entry> entries = new ArrayList<>(checks(ex, sub.api(ex.api()), limits.checkMs(), sub));
            String ending = sub.end();
            if (ending != null) {
                entries.add(new Entry("the process ends when the checks are done", "do not keep threads running, and do not exit or "
                        + "loop in shutdown hooks", Check.Outcome.fail(0, "(after the last check)", ending)));
            }
            return new Result(ex, className, entries, sub.printedText(), sub.printedBytes());
        }
    }

    /// Runs every check of `ex` on `impl` in this JVM (for code you trust, e.g. from jshell), each
    /// in its own thread with [#CHECK_TIME_LIMIT_MS].
    public static <S> Result run(Exercise<S> ex, S impl, String className) {
        return run(ex, impl, className, CHECK_TIME_LIMIT_MS);
    }

    /// Same, with a time limit per check of `limitMs`; a check that runs over is interrupted (a
    /// loop that never looks at the interrupt keeps its daemon thread until the JVM exits).
    public static <S> Result run(Exercise<S> ex, S impl, String className, long limitMs) {
        return new Result(ex, className, checks(ex, impl, limitMs, null));
    }

    /// The checks one by one, each in its own thread with `limitMs`. With a submission process,
    /// a check over time stops the process, and a process that is gone ends the run.
    private static <S> List<Entry> checks(Exercise<S> ex, S impl, long limitMs, Submission sub) {
        List<Entry> entries = new ArrayList<>();
        for (Check<S> check : ex.checks()) {
            AtomicReference<Check.Outcome> out = new AtomicReference<>();
            Cases.Current current = new Cases.Current();
            Thread t = new Thread(() -> {
                Cases.track(current);
                try {
                    out.set(check.body().apply(impl));
                } catch (Throwable e) {
                    String at = current.describe();
                    out.set(Check.Outcome.fail(0, at == null ? "(none)" : at, Cases.message(e)));
                }
            }, "grade-" + ex.name());
            t.setDaemon(true);
            t.start();
            try {
                t.join(limitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (out.get() == null && current.settled() != null) {
                // the check had failed already and was only looking further for the likely bug
                if (sub != null) {
                    sub.stop("a larger case did not finish within " + Submission.seconds(limitMs) + "; the remaining checks were skipped");
                    Submission.joinQuietly(t, 5_000);
                } else {
                    t.interrupt();
                }
                Check.Outcome o = current.settled();
                entries.add(new Entry(check.name(), check.hint(), Check.Outcome.fail(o.cases(), o.failingCase(), o.message()
                        + "\na larger case then did not finish within " + Submission.seconds(limitMs) + "; the remaining checks were skipped")));
                break;
            }
            if (out.get() == null) {
                String at = current.describe();
                String why = "did not finish within " + Submission.seconds(limitMs) + " (an endless loop?); the remaining checks were skipped";
                if (sub != null) {
                    sub.stop(why);
                    Submission.joinQuietly(t, 5_000);
                } else {
                    t.interrupt();
                }
                entries.add(new Entry(check.name(), check.hint(),
                        Check.Outcome.fail(0, at == null ? "(before its first case)" : at + " (the case it was on)", why)));
                break;
            }
            Check.Outcome o = out.get();
            if (sub != null && !sub.alive()) {
                entries.add(new Entry(check.name(), check.hint(), o.passed() ? o
                        : Check.Outcome.fail(o.cases(), o.failingCase(), o.message() + "\nthe remaining checks were skipped")));
                if (o.passed()) {
                    entries.add(new Entry("the process runs all the checks", "do not exit, halt or print without end",
                            Check.Outcome.fail(0, "(after the check above)", "its process is gone; the remaining checks were skipped")));
                }
                break;
            }
            entries.add(new Entry(check.name(), check.hint(), o));
        }
        return entries;
    }

    /// The readable report of one graded class.
    public static String report(String fileName, Result r) {
        Exercise<?> ex = r.exercise();
        StringBuilder s = new StringBuilder();
        s.append("Grading ").append(fileName).append(": class ").append(r.className()).append(" implements ")
                .append(ex.api().getSimpleName()).append('\n');
        s.append("exercise '").append(ex.name()).append("': ").append(ex.title()).append(" (tinyseek's own: ")
                .append(ex.source()).append(")\n\n");
        for (Entry e : r.entries()) {
            Check.Outcome o = e.outcome();
            if (o.passed()) {
                s.append("  PASS  ").append(e.name()).append("  (").append(o.cases()).append(o.cases() == 1 ? " case" : " cases").append(")\n");
            } else {
                s.append("  FAIL  ").append(e.name()).append('\n');
                s.append(wrap("smallest failing case: " + o.failingCase(), "        ", "          "));
                for (String line : o.message().split("\n")) {
                    s.append("        ").append(line).append('\n');
                }
                s.append(wrap("hint: " + e.hint(), "        ", "              "));
            }
        }
        if (!r.printed().isEmpty()) {
            List<String> lines = r.printed().lines().toList();
            s.append("\n  your code printed (").append(r.printedBytes()).append(r.printedBytes() == 1 ? " byte" : " bytes")
                    .append(lines.size() > PRINTED_LINES || r.printedBytes() > r.printed().length() ? "; the first lines" : "").append("):\n");
            for (String line : lines.subList(0, Math.min(lines.size(), PRINTED_LINES))) {
                s.append("  | ").append(Submission.oneLine(line, 160)).append('\n');
            }
        }
        int total = ex.checks().size();
        s.append('\n').append(r.passedCount()).append(" of ").append(total).append(" checks passed. Result: ")
                .append(r.passed() ? "PASS" : "FAIL").append("\n");
        return s.toString();
    }

    /// Word-wraps `text` at 110 columns: the first line after `first`, the others after `rest`.
    static String wrap(String text, String first, String rest) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        int width = 110;
        for (String w : text.split(" ")) {
            if (line.length() + 1 + w.length() > width && line.length() > rest.length()) {
                out.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(rest);
            }
            line.append(w).append(' ');
        }
        out.append(line.toString().stripTrailing()).append('\n');
        return out.toString();
    }
}
