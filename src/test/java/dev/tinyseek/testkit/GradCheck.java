package dev.tinyseek.testkit;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/// Gradient checks and array comparisons in `double`.
///
/// The oracle for every backward: write the forward again, naively, in `double`; make it a scalar
/// with a random upstream gradient, `L = Σ dy·y`; then the gradient of `L` with respect to each
/// input, by central differences of that double function, must match what the float backward
/// accumulated when given `dy`.
///
/// ```java
/// double[][] args = {GradCheck.toDouble(x), GradCheck.toDouble(w)};
/// ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dyD, reference(a[0], a[1]));
/// GradCheck.assertClose("dW", GradCheck.numeric(loss, args, 1), dw, 1e-4, 1e-6);
/// ```
///
/// Central differences in double have an error of about `h²·f'''` (truncation) plus
/// `1e-16·|L|/h` (rounding); with `h = 1e-5·max(1, |x_i|)` both are around 1e-10 relative for the
/// smooth functions here, far below float's 6e-8, so the difference we see is the float backward's own.
public final class GradCheck {

    /// Relative step of the central differences.
    public static final double STEP = 1e-5;

    private GradCheck() {
    }

    /// `∂f/∂x` by central differences, `(f(x + h e_i) − f(x − h e_i)) / 2h`, `h = STEP·max(1, |x_i|)`.
    public static double[] numeric(ToDoubleFunction<double[]> f, double[] x) {
        double[][] args = {x};
        return numeric(a -> f.applyAsDouble(a[0]), args, 0);
    }

    /// `∂f/∂args[which]` by central differences, the other arguments held fixed.
    /// `args[which]` is perturbed in place and restored.
    public static double[] numeric(ToDoubleFunction<double[][]> f, double[][] args, int which) {
        double[] x = args[which];
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            double h = STEP * Math.max(1.0, Math.abs(xi));
            x[i] = xi + h;
            double up = f.applyAsDouble(args);
            x[i] = xi - h;
            double down = f.applyAsDouble(args);
            x[i] = xi;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    // ---- small double helpers ------------------------------------------------------------

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /// `Σ a_i b_i`: the scalar loss `Σ dy·y` of a gradient check.
    public static double dot(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dot: lengths " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    public static double maxAbs(float[] x) {
        return maxAbs(toDouble(x));
    }

    // ---- comparisons ---------------------------------------------------------------------

    /// Fails unless `|actual_i − expected_i| ≤ rtol·|expected_i| + atol` for every `i` (and no NaN).
    /// The message names the worst index (largest error relative to its tolerance), both values,
    /// the absolute and relative error, and the first values side by side.
    public static void assertClose(String what, double[] expected, float[] actual, double rtol, double atol) {
        assertClose(what, expected, toDouble(actual), rtol, atol);
    }

    /// Same, for two double arrays.
    public static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": expected " + expected.length + " values but got " + actual.length);
        }
        int worst = -1;
        double worstRatio = 1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            double ratio = diff / (rtol * Math.abs(expected[i]) + atol);
            if (Double.isNaN(ratio)) { // a NaN (or ∞) on one side only fails; on both sides it matches
                boolean same = Double.compare(actual[i], expected[i]) == 0;
                ratio = same ? 0 : Double.POSITIVE_INFINITY;
            }
            if (ratio > worstRatio) {
                worst = i;
                worstRatio = ratio;
            }
        }
        if (worst >= 0) {
            double e = expected[worst];
            double a = actual[worst];
            throw new AssertionError(String.format(
                    "%s: worst at index %d of %d: expected %.9g, actual %.9g, |diff| %.3g, relative error %.3g"
                            + " (tolerance rtol %.1g · |expected| + atol %.1g = %.3g; %.3g times over)%n"
                            + "  expected %s%n  actual   %s",
                    what, worst, expected.length, e, a, Math.abs(a - e), Math.abs(a - e) / Math.max(Math.abs(e), Double.MIN_NORMAL),
                    rtol, atol, rtol * Math.abs(e) + atol, worstRatio, head(expected, worst), head(actual, worst)));
        }
    }

    /// The standard check of a float backward against a double numeric gradient:
    /// `|analytic − numeric| ≤ 1e-4·|numeric| + 1e-5·max|numeric|`.
    ///
    /// Why these numbers: a float backward rounds each of its (at most a few hundred) products
    /// and sums with u = 6e-8, so an entry is off by about `n·u` ≈ 1e-5 of the magnitude of its
    /// terms; entries that cancel to near zero keep an absolute error of that size, which the
    /// `atol` measures against the largest gradient, with a floor of 1e-9 for the numeric side's
    /// own truncation error (`h²·f‴/6`, visible when every true gradient is 0). A wrong
    /// term in a backward shows up as an O(1) relative error, far above both.
    public static void assertGradient(String what, double[] numeric, float[] analytic) {
        assertClose(what, numeric, analytic, 1e-4, 1e-5 * maxAbs(numeric) + 1e-9);
    }

    /// Same, for a backward whose entries are differences of terms larger than the result
    /// (RMSNorm's `r·w·dy − k·x`): the absolute tolerance is measured against `termScale`, the
    /// size of those terms, when that exceeds the largest gradient. Say in the test why.
    public static void assertGradient(String what, double[] numeric, float[] analytic, double termScale) {
        assertClose(what, numeric, analytic, 1e-4, 1e-5 * Math.max(maxAbs(numeric), termScale) + 1e-9);
    }

    /// Checks that a backward *accumulates* (`+=`): after two calls into the same zeroed gradient
    /// it holds twice what one call gave (up to the rounding of sums over rows).
    public static void assertAccumulates(String what, float[] once, float[] twice) {
        double[] doubled = toDouble(once);
        for (int i = 0; i < doubled.length; i++) {
            doubled[i] *= 2;
        }
        assertClose(what + " after two backward calls (expected twice one call: does backward use += ?)",
                doubled, twice, 1e-6, 1e-6 * maxAbs(doubled) + 1e-30);
    }

    /// Fails unless the two arrays are equal bit for bit (as `Arrays.equals` sees floats: `-0.0 ≠ 0.0`,
    /// every NaN the same), naming the first differing index and both values with their bits.
    public static void assertBitEqual(String what, float[] expected, float[] actual) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": lengths differ, expected " + expected.length + " but got " + actual.length);
        }
        int i = Arrays.mismatch(expected, actual);
        int count = 0;
        for (int j = 0; j < expected.length; j++) {
            if (Float.floatToIntBits(expected[j]) != Float.floatToIntBits(actual[j])) {
                count++;
            }
        }
        throw new AssertionError(String.format("%s: %d of %d values differ; first at index %d: expected %s (0x%08x), actual %s (0x%08x)",
                what, count, expected.length, i, expected[i], Float.floatToIntBits(expected[i]), actual[i], Float.floatToIntBits(actual[i])));
    }

    /// A few values around index `at`, for messages.
    private static String head(double[] x, int at) {
        int from = Math.max(0, Math.min(at - 2, x.length - 6));
        int to = Math.min(x.length, from + 6);
        StringBuilder s = new StringBuilder("[" + from + ".." + (to - 1) + "]: ");
        for (int i = from; i < to; i++) {
            s.append(String.format("%.6g", x[i])).append(i == at ? "*" : "").append(i + 1 < to ? ", " : "");
        }
        return s.toString();
    }
}
