package dev.tinyseek.tasks;

import java.util.random.RandomGenerator;

/// Multi-digit multiplication: the prompt `"a*b="`, the answer the digits of `a · b`.
///
/// With `reversed`, the product is written least-significant digit first (`"12*34="` → `"804"`
/// for 408), the order in which long multiplication produces its digits. With `padded`,
/// operands are written with leading zeros to `digits` digits and the product to `2·digits`
/// (`"07*12="` → `"0084"`), so every digit has a fixed position.
///
/// Held-out split: `(a, b)` is a test problem when a fixed hash of the pair is 0 mod 10 (about
/// one problem in ten); training never samples it. The verifier is an exact string match.
public record Multiplication(int digits, boolean reversed, boolean padded) implements Task {

    public Multiplication {
        if (digits < 1 || digits > 9) {
            throw new IllegalArgumentException("multiplication: digits = " + digits + " must be in [1, 9]");
        }
    }

    @Override
    public String name() {
        return "multiplication";
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
        String product = padded ? Digits.pad(a * b, 2 * digits) : Long.toString(a * b);
        String answer = reversed ? new StringBuilder(product).reverse().toString() : product;
        String prompt = padded ? Digits.pad(a, digits) + "*" + Digits.pad(b, digits) + "=" : a + "*" + b + "=";
        return new Problem(prompt, answer);
    }

    /// Whether `(a, b)` is held out.
    public static boolean isTest(long a, long b) {
        return HeldOut.isTest(0x6D756C74L, a, b);
    }

    @Override
    public boolean verify(Problem problem, String answer) {
        return Digits.verify(problem, answer);
    }

    @Override
    public boolean wellFormed(Problem problem, String answer) {
        return Digits.wellFormed(problem, answer);
    }
}
