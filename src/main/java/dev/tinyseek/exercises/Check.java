package dev.tinyseek.exercises;

import java.util.function.Function;

/// One graded property of an exercise: a name the report prints, the hint it prints when the
/// property fails (the equation and the file of tinyseek that implements it), and the body that
/// runs the student's implementation `S` and returns an [Outcome].
///
/// Bodies are usually a [Cases#sweep]: cases from small to large, the first failure reported.
public record Check<S>(String name, String hint, Function<S, Outcome> body) {

    /// What a check found: how many cases ran and, on failure, the smallest failing case and what
    /// went wrong with it.
    public record Outcome(boolean passed, int cases, String failingCase, String message) {

        public static Outcome pass(int cases) {
            return new Outcome(true, cases, null, null);
        }

        public static Outcome fail(int cases, String failingCase, String message) {
            return new Outcome(false, cases, failingCase, message);
        }
    }
}
