package dev.tinyseek.tasks;

import java.util.random.RandomGenerator;

/// Multi-digit addition: the prompt `"a+b="`, the answer the digits of `a + b`.
///
/// With `reversed`, the answer is written least-significant digit first (`"123+989="` →
/// `"2111"` for 1112): the order in which a carry is computed, which makes the task much easier
/// for a small model that writes left to right.
///
/// With `padded`, operands are written with leading zeros to `digits` digits and the sum to
/// `digits + 1` (`"005+123="` → `"0128"`), so every digit has a fixed position: a small model
/// learns this form far faster.
///
/// Held-out split: a pair `(a, b)` belongs to the test split when a fixed hash of it is 0 mod 10,
/// so about one problem in ten is never seen in training.
public record Addition(int digits, boolean reversed, boolean padded) implements Task {

    public Addition {
        if (digits < 1 || digits > 9) {
            throw new IllegalArgumentException("addition: digits = " + digits + " must be in [1, 9]");
        }
    }

    @Override
    public String name() {
        return "addition";
    }

    @Override
    public Problem sample(RandomGenerator rng, Split split) {
        long lim = Digits.limit(digits);
        while (true) {
            long a = rng.nextLong(lim), b = rng.nextLong(lim);
            if (isTest(a, b) == (split == Split.TEST)) {
                return problem(a, b);
            }
        }
    }

    /// The problem for the operands `a` and `b`.
    public Problem problem(long a, long b) {
        String sum = padded ? Digits.pad(a + b, digits + 1) : Long.toString(a + b);
        String answer = reversed ? new StringBuilder(sum).reverse().toString() : sum;
        String prompt = padded ? Digits.pad(a, digits) + "+" + Digits.pad(b, digits) + "=" : a + "+" + b + "=";
        return new Problem(prompt, answer);
    }

    /// Whether `(a, b)` is held out: a SplitMix64-style hash of the pair, mod 10.
    public static boolean isTest(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Math.floorMod(z, 10) == 0;
    }

    @Override
    public boolean verify(Problem problem, String answer) {
        return Digits.verify(problem, answer);
    }

    /// Digits only, as many as the reference answer has (TinyZero's "well-formed but wrong").
    @Override
    public boolean wellFormed(Problem problem, String answer) {
        return Digits.wellFormed(problem, answer);
    }
}
