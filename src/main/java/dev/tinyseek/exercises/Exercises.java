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
}
