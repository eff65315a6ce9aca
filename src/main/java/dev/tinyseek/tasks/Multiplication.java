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

    private long limit() {
        long l = 1;
        for (int i = 0; i < digits; i++) {
            l *= 10;
        }
        return l;
    }

    @Override
    public Problem sample(RandomGenerator rng, Split split) {
        long lim = limit();
        while (true) {
            long a = rng.nextLong(lim), b = rng.nextLong(lim);
            if (isTest(a, b) == (split == Split.TEST)) {
                return problem(a, b);
            }
        }
    }

    /// The problem for the operands `a` and `b`.
    public Problem problem(long a, long b) {
        String product = padded ? pad(a * b, 2 * digits) : Long.toString(a * b);
        String answer = reversed ? new StringBuilder(product).reverse().toString() : product;
        String prompt = padded ? pad(a, digits) + "*" + pad(b, digits) + "=" : a + "*" + b + "=";
        return new Problem(prompt, answer);
    }

    private static String pad(long x, int width) {
        String s = Long.toString(x);
        return "0".repeat(Math.max(0, width - s.length())) + s;
    }

    /// Whether `(a, b)` is held out.
    public static boolean isTest(long a, long b) {
        return HeldOut.isTest(0x6D756C74L, a, b);
    }

    @Override
    public boolean verify(Problem problem, String answer) {
        String a = answer.strip();
        return !a.isEmpty() && a.equals(problem.answer());
    }

    @Override
    public boolean wellFormed(Problem problem, String answer) {
        return answer.length() == problem.answer().length() && answer.chars().allMatch(Character::isDigit);
    }
}
