package dev.tinyseek.tasks;

import java.util.ArrayList;
import java.util.List;

/// A small exact evaluator for the countdown verifier: whole numbers, `+ - * /`, parentheses
/// and spaces, evaluated as exact fractions (`long` numerator and denominator). Grammar:
///
///     expr   = term (('+' | '-') term)*
///     term   = factor (('*' | '/') factor)*
///     factor = number | '(' expr ')'
///
/// Anything else (a unary minus, a stray character, division by zero, overflow) makes the
/// whole expression invalid: [#evaluate] returns null, never throws.
final class Expression {

    /// The value `num/den` (reduced, `den > 0`) and the numbers the expression used, in order.
    record Value(long num, long den, List<Long> numbers) {
        boolean isInteger() {
            return den == 1;
        }
    }

    private final String s;
    private int pos;
    private final List<Long> numbers = new ArrayList<>();

    private Expression(String s) {
        this.s = s;
    }

    /// The value of `text`, or null if it is not a valid expression.
    static Value evaluate(String text) {
        if (text == null || text.length() > 200) {
            return null;
        }
        Expression e = new Expression(text);
        try {
            long[] v = e.expr();
            e.skipSpaces();
            if (e.pos != text.length()) {
                return null;
            }
            return new Value(v[0], v[1], List.copyOf(e.numbers));
        } catch (ArithmeticException | IllegalStateException bad) {
            return null;
        }
    }

    private void skipSpaces() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    private long[] expr() {
        long[] v = term();
        while (true) {
            skipSpaces();
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                char op = s.charAt(pos++);
                long[] w = term();
                v = op == '+' ? add(v, w) : add(v, new long[] {Math.negateExact(w[0]), w[1]});
            } else {
                return v;
            }
        }
    }

    private long[] term() {
        long[] v = factor();
        while (true) {
            skipSpaces();
            if (pos < s.length() && (s.charAt(pos) == '*' || s.charAt(pos) == '/')) {
                char op = s.charAt(pos++);
                long[] w = factor();
                if (op == '*') {
                    v = reduce(Math.multiplyExact(v[0], w[0]), Math.multiplyExact(v[1], w[1]));
                } else {
                    if (w[0] == 0) {
                        throw new IllegalStateException("division by zero");
                    }
                    v = reduce(Math.multiplyExact(v[0], w[1]), Math.multiplyExact(v[1], w[0]));
                }
            } else {
                return v;
            }
        }
    }

    private long[] factor() {
        skipSpaces();
        if (pos >= s.length()) {
            throw new IllegalStateException("expression ends early");
        }
        char c = s.charAt(pos);
        if (c == '(') {
            pos++;
            long[] v = expr();
            skipSpaces();
            if (pos >= s.length() || s.charAt(pos) != ')') {
                throw new IllegalStateException("missing )");
            }
            pos++;
            return v;
        }
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start || pos - start > 12) {
            throw new IllegalStateException("expected a number at " + start);
        }
        long n = Long.parseLong(s.substring(start, pos));
        numbers.add(n);
        return new long[] {n, 1};
    }

    private static long[] add(long[] a, long[] b) {
        return reduce(Math.addExact(Math.multiplyExact(a[0], b[1]), Math.multiplyExact(b[0], a[1])),
                Math.multiplyExact(a[1], b[1]));
    }

    private static long[] reduce(long num, long den) {
        if (den < 0) {
            num = Math.negateExact(num);
            den = Math.negateExact(den);
        }
        long g = gcd(Math.abs(num), den);
        return g == 0 ? new long[] {0, 1} : new long[] {num / g, den / g};
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
