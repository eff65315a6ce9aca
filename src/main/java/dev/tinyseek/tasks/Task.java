package dev.tinyseek.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/// A synthetic task with an exact verifier: problems are generated, never stored, and an
/// answer is right only if the verifier says so (no model, no human grader).
public interface Task {

    /// A short name, e.g. `addition`.
    String name();

    /// A random problem from the given split.
    Problem sample(RandomGenerator rng, Split split);

    /// Whether `answer` (the model's text, already cut at the end of the answer) is correct.
    boolean verify(Problem problem, String answer);

    /// Whether `answer` has the shape of an answer (for a format reward), right or wrong: by
    /// default any non-empty text.
    default boolean wellFormed(Problem problem, String answer) {
        return !answer.isBlank();
    }

    /// `n` problems of the held-out split, the same for the same seed.
    default List<Problem> heldOut(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Problem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sample(rng, Split.TEST));
        }
        return out;
    }
}
