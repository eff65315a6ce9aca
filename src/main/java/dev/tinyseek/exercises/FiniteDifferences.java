package dev.tinyseek.exercises;

import java.util.function.ToDoubleFunction;

/// The grader's gradient check, in `double` (main code: the test suite's `testkit.GradCheck` is
/// test code and not in the jar; this is the same method, small).
///
/// Write the forward again in `double`, make it a scalar with a random upstream gradient
/// (`L = Σ dy·y`), and take central differences `(L(x + h e_i) − L(x − h e_i)) / 2h` with
/// `h = 1e-5·max(1, |x_i|)`: the truncation error `h²·f‴` and the rounding error `1e-16·|L|/h`
/// are both near 1e-10 relative, far below float's 6e-8, so what a comparison sees is the
/// student's float backward.
public final class FiniteDifferences {

    /// Relative step of the central differences.
    public static final double STEP = 1e-5;

    private FiniteDifferences() {
    }

    /// `∂f/∂x_i` for every `i`; `x` is perturbed in place and restored.
    public static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            double h = STEP * Math.max(1.0, Math.abs(xi));
            x[i] = xi + h;
            double up = f.applyAsDouble(x);
            x[i] = xi - h;
            double down = f.applyAsDouble(x);
            x[i] = xi;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    /// `Σ a_i b_i`.
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /// The check of a float backward against a numeric gradient:
    /// `|analytic − numeric| ≤ 1e-4·|numeric| + 1e-5·max(max|numeric|, termScale) + 1e-9`.
    /// A float backward is off by about `n·u ≈ 1e-5` of the size of its terms; `termScale` is that
    /// size when the terms are larger than the result (they cancel). A wrong term is an O(1) error.
    public static void assertGradient(String what, double[] numeric, float[] analytic, double termScale) {
        Mismatch.close(what + " (your backward vs finite differences of the forward in double)", numeric, analytic,
                1e-4, 1e-5 * Math.max(Mismatch.maxAbs(numeric), termScale) + 1e-9);
    }
}
