package dev.tinyseek.exercises;

import java.util.List;
import java.util.Optional;

/// The catalogue: every exercise the grader knows, in the order `--list` prints them.
public final class Exercises {

    private static final List<Exercise<?>> ALL = List.of(
            SoftmaxChecks.exercise(),
            RmsNormChecks.exercise(),
            RopeChecks.exercise(),
            GateChecks.exercise(),
            MlaChecks.exercise(),
            E4m3Checks.exercise(),
            GrpoChecks.advantages(),
            GrpoChecks.k3());

    private Exercises() {
    }

    public static List<Exercise<?>> all() {
        return ALL;
    }

    /// The exercise called `name` (e.g. `softmax`).
    public static Optional<Exercise<?>> byName(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /// The names, comma-separated, for messages.
    public static String names() {
        return String.join(", ", ALL.stream().map(Exercise::name).toList());
    }

    /// The list `tinyseek grade --list` prints: each exercise's name and title, what to implement
    /// and where tinyseek's own implementation is.
    public static String listing() {
        StringBuilder sb = new StringBuilder(String.format("exercises (tinyseek grade --starter NAME writes the starter file):%n"));
        for (Exercise<?> ex : all()) {
            sb.append(String.format("  %-17s %s%n  %-17s   implement %s in %s.java; tinyseek's own: %s%n", ex.name(), ex.title(), "",
                    ex.api().getSimpleName(), ex.starterClass(), ex.source()));
        }
        return sb.toString();
    }

    /// Writes the starter file of `ex` into `dir` (never over a file there unless `force`); returns its path.
    public static java.nio.file.Path writeStarter(Exercise<?> ex, java.nio.file.Path dir, boolean force) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path file = dir.resolve(ex.starterClass() + ".java");
        if (java.nio.file.Files.exists(file) && !force) {
            throw new IllegalArgumentException(file + " exists already (your work?); pass --force to overwrite it or --out DIR to write elsewhere");
        }
        java.nio.file.Files.writeString(file, ex.starter(), java.nio.charset.StandardCharsets.UTF_8);
        return file;
    }
}
