package dev.tinyseek.tasks;

/// What the arithmetic tasks share: operands of a fixed number of digits, zero-padded numbers,
/// and answers that are a string of digits, checked by exact match.
final class Digits {

    private Digits() {
    }

    /// `10^digits`: operands are drawn from `[0, limit)`.
    static long limit(int digits) {
        long l = 1;
        for (int i = 0; i < digits; i++) {
            l *= 10;
        }
        return l;
    }

    /// `x` written with leading zeros to at least `width` digits.
    static String pad(long x, int width) {
        String s = Long.toString(x);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }

    /// The exact verifier: the answer, stripped of surrounding white space, is the reference
    /// (an empty answer never scores).
    static boolean verify(Problem problem, String answer) {
        String a = answer.strip();
        return !a.isEmpty() && a.equals(problem.answer());
    }

    /// Digits only, as many as the reference answer has (TinyZero's "well-formed but wrong").
    static boolean wellFormed(Problem problem, String answer) {
        return answer.length() == problem.answer().length() && answer.chars().allMatch(Character::isDigit);
    }
}
