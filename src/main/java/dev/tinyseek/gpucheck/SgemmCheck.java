package dev.tinyseek.gpucheck;

import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.JavaGemm;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Check 1: the device's single-precision GEMM against the Java GEMM, `C = A·Bᵀ` as the linear
/// layers call it (`y = x Wᵀ`), on the model's shapes and on odd ones (1 x N, N x 1, K not a
/// multiple of 4), with its speed in GFLOP/s.
///
/// **Tolerance.** Both compute each `C[i,j]` as a float sum of the same K products, in different
/// orders (cuBLAS splits and reorders K). Any order of float summation of K float products lies
/// within `γ_{K+1} · Σ_k |a_ik b_jk|` of the exact sum (`γ_n = n·u / (1 − n·u)`, `u = 2⁻²⁴`;
/// Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1), so two such results lie within
/// twice that of each other. The check passes when every output meets
///
///     |C_device − C_java| ≤ 2 · γ_{K+1} · Σ_k |a_ik b_jk|
///
/// and reports the largest ratio of the two sides (`worst_ratio`, at most 1 when it passes). The
/// sums of magnitudes come from the Java GEMM on `|A|`, `|B|`: non-negative terms, so their own
/// rounding is below `γ_K` relative, which a factor 1.01 covers. A wrong layout or transposition
/// misses this bound by far. It is the worst case of float summation and grows with K, so a GEMM
/// that rounds its inputs to TF32 (10-bit mantissa) can stay inside it at large K: `worst_ratio`
/// and `max_abs_diff` are reported so that such a drift shows (float sums in another order stay
/// far below a ratio of 1).
///
/// **Speed.** `gflops` = `2·M·N·K` / the best of repeated calls, with `A` and `B` kept on the
/// device and `C` copied back to the host each call (what a layer's forward costs).
public final class SgemmCheck {

    private SgemmCheck() {
    }

    /// One shape: `A [M,K]`, `B [N,K]`, `C [M,N]`.
    public record Shape(String label, int m, int n, int k) {
    }

    /// One shape's outcome.
    ///
    /// @param maxAbsDiff largest `|C_device − C_java|`
    /// @param worstRatio largest `|C_device − C_java|` / its bound (pass: ≤ 1)
    /// @param gflops     the device's speed on this shape
    public record Case(Shape shape, double maxAbsDiff, double worstRatio, double gflops, boolean passed) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shape", shape.label());
            m.put("m", shape.m());
            m.put("n", shape.n());
            m.put("k", shape.k());
            m.put("max_abs_diff", maxAbsDiff);
            m.put("worst_ratio", worstRatio);
            m.put("gflops", gflops);
            m.put("passed", passed);
            return m;
        }
    }

    /// All shapes' outcomes.
    public record Result(List<Case> cases, boolean passed) {

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("passed", passed);
            m.put("tolerance", "|C_device - C_java| <= 2 * gamma_(K+1) * sum_k |a_ik b_jk| per output, gamma_n = n*u/(1-n*u), u = 2^-24");
            m.put("cases", cases.stream().map(Case::json).toList());
            return m;
        }
    }

    /// Runs every shape on `device`; `minSeconds` of timing per shape (best call counts).
    public static Result run(Device device, List<Shape> shapes, double minSeconds, Progress progress) {
        List<Case> cases = new ArrayList<>();
        boolean all = true;
        for (Shape s : shapes) {
            Case c = one(device, s, minSeconds);
            progress.line(String.format("sgemm %-22s %5d x %5d x %5d: worst |diff|/bound %.3f, %.1f GFLOP/s%s",
                    s.label(), s.m(), s.n(), s.k(), c.worstRatio(), c.gflops(), c.passed() ? "" : "  FAILED"));
            cases.add(c);
            all &= c.passed();
        }
        return new Result(cases, all);
    }

    static Case one(Device device, Shape s, double minSeconds) {
        int m = s.m(), n = s.n(), k = s.k();
        Rng r = new Rng(1000L + 31L * m + 17L * n + k);
        float[] a = new float[m * k]; // [M, K]
        float[] b = new float[n * k]; // [N, K]
        r.fillNormal(a, 1.0);
        r.fillNormal(b, 0.05);
        float[] cJava = new float[m * n]; // [M, N]
        float[] cDev = new float[m * n];  // [M, N]
        Gemm java = new JavaGemm();
        java.gemm(false, true, m, n, k, a, 0, b, 0, cJava, 0, false);
        Gemm dev = device.gemm();
        dev.gemm(false, true, m, n, k, a, 0, b, 0, cDev, 0, false);
        // Σ|a||b| per output, from |A| and |B|
        float[] absA = abs(a), absB = abs(b);
        float[] mag = new float[m * n]; // [M, N]
        java.gemm(false, true, m, n, k, absA, 0, absB, 0, mag, 0, false);
        double gamma = gamma(k + 1);
        double maxDiff = 0, worst = 0;
        boolean ok = true;
        for (int i = 0; i < m * n; i++) {
            double d = Math.abs((double) cDev[i] - cJava[i]);
            double bound = 2 * gamma * 1.01 * mag[i];
            maxDiff = Math.max(maxDiff, d);
            if (!(d <= bound)) { // NaN fails too
                ok = false;
            }
            worst = Math.max(worst, bound > 0 ? d / bound : (d == 0 ? 0 : Double.POSITIVE_INFINITY));
        }
        double gflops = time(device, dev, s, a, b, cDev, minSeconds);
        return new Case(s, maxDiff, Double.isInfinite(worst) ? Double.MAX_VALUE : worst, gflops, ok);
    }

    /// `γ_n = n·u / (1 − n·u)` with `u = 2⁻²⁴`.
    static double gamma(int n) {
        double u = Math.scalb(1.0, -24);
        return n * u / (1 - n * u);
    }

    private static double time(Device device, Gemm dev, Shape s, float[] a, float[] b, float[] c, double minSeconds) {
        device.keep(a);
        device.keep(b);
        try {
            double best = Double.MAX_VALUE, spent = 0;
            int calls = 0;
            while (calls < 5 || (spent < minSeconds && calls < 1000)) {
                long t0 = System.nanoTime();
                dev.gemm(false, true, s.m(), s.n(), s.k(), a, 0, b, 0, c, 0, false);
                device.synchronize();
                double secs = (System.nanoTime() - t0) / 1e9;
                spent += secs;
                if (calls > 0) { // the first call warms up (JIT, cuBLAS's kernel choice)
                    best = Math.min(best, secs);
                }
                calls++;
            }
            return 2.0 * s.m() * s.n() * s.k() / best / 1e9;
        } finally {
            device.release(a);
            device.release(b);
        }
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }
}
