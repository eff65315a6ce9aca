package dev.tinyseek.exercises;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/// Grades a student's implementation: finds which exercise interface its class implements, runs
/// that exercise's checks on it in place of tinyseek's own code, and writes the report — what
/// passed, the smallest failing case of what did not, and a hint that points to the equation.
///
/// ```java
/// Grader.Graded g = Grader.gradeSource(new StudentCompiler.Source("MySoftmax.java", code));
/// System.out.print(g.report());   // g.passed(): every check of every graded class passed
/// ```
public final class Grader {

    /// How long one check may run before the grader gives up on it (an endless loop).
    public static final long CHECK_TIME_LIMIT_MS = 60_000;

    /// One check's result.
    public record Entry(String name, String hint, Check.Outcome outcome) {
    }

    /// All checks of one class.
    public record Result(Exercise<?> exercise, String className, List<Entry> entries) {
        public boolean passed() {
            return entries.size() == exercise.checks().size() && entries.stream().allMatch(e -> e.outcome().passed());
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

    /// Compiles one file in memory and grades every class in it that implements an exercise.
    public static Graded gradeSource(StudentCompiler.Source source) {
        StudentCompiler.Compiled c = StudentCompiler.compile(List.of(source));
        if (!c.ok()) {
            StringBuilder r = new StringBuilder(source.fileName() + " does not compile (" + c.errors().size()
                    + (c.errors().size() == 1 ? " error" : " errors") + "):\n\n");
            for (String e : c.errors()) {
                r.append(e).append("\n\n");
            }
            r.append("Result: FAIL (fix the compile errors first)\n");
            return new Graded(r.toString(), false, List.of());
        }
        try {
            return gradeClasses(source.fileName(), c.classes());
        } catch (ClassNotFoundException | LinkageError e) {
            return new Graded(source.fileName() + ": its classes could not be loaded: " + e + "\nResult: FAIL\n", false, List.of());
        }
    }

    /// Grades every class of `classes` that implements an exercise interface.
    public static Graded gradeClasses(String fileName, List<Class<?>> classes) {
        List<Result> results = new ArrayList<>();
        StringBuilder r = new StringBuilder();
        for (Class<?> k : classes) {
            for (Exercise<?> ex : Exercises.all()) {
                if (ex.implementedBy(k)) {
                    Result res = grade(ex, k);
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

    /// Instantiates `k` (a public no-argument constructor) and runs the exercise's checks on it.
    public static Result grade(Exercise<?> ex, Class<?> k) {
        Object impl;
        try {
            Constructor<?> ctor = k.getDeclaredConstructor();
            ctor.setAccessible(true);
            impl = ctor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            return new Result(ex, k.getName(), List.of(new Entry("create an instance with new " + k.getSimpleName() + "()",
                    "give the class a public constructor without arguments",
                    Check.Outcome.fail(1, "(none)", "could not create it: " + cause))));
        }
        return runCast(ex, impl, k.getName());
    }

    private static <S> Result runCast(Exercise<S> ex, Object impl, String className) {
        return run(ex, ex.api().cast(impl), className);
    }

    /// Runs every check of `ex` on `impl`, each in its own thread with [#CHECK_TIME_LIMIT_MS].
    public static <S> Result run(Exercise<S> ex, S impl, String className) {
        return run(ex, impl, className, CHECK_TIME_LIMIT_MS);
    }

    /// Same, with a time limit per check of `limitMs`; a check that runs over is interrupted (a
    /// loop that never looks at the interrupt keeps its daemon thread until the JVM exits).
    public static <S> Result run(Exercise<S> ex, S impl, String className, long limitMs) {
        List<Entry> entries = new ArrayList<>();
        for (Check<S> check : ex.checks()) {
            AtomicReference<Check.Outcome> out = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    out.set(check.body().apply(impl));
                } catch (Throwable e) {
                    out.set(Check.Outcome.fail(0, "(none)", Cases.message(e)));
                }
            }, "grade-" + ex.name());
            t.setDaemon(true);
            t.start();
            try {
                t.join(limitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (out.get() == null) {
                t.interrupt();
                entries.add(new Entry(check.name(), check.hint(), Check.Outcome.fail(0, "(unknown)",
                        "did not finish within " + limitMs / 1000.0 + " s (an endless loop?); the remaining checks were skipped")));
                break;
            }
            entries.add(new Entry(check.name(), check.hint(), out.get()));
        }
        return new Result(ex, className, entries);
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
