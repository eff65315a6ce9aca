package dev.tinyseek.nn;

/// Naive double references for the layer tests, written from the definitions.
final class Ref {

    static double[] linear(double[] x, double[] w, int n, int in, int out) {
        return dev.tinyseek.testkit.DoubleRef.linear(x, w, n, in, out);
    }

    static double[] rmsNorm(double[] x, double[] w, int n, int c, double eps) {
        return dev.tinyseek.testkit.DoubleRef.rmsNorm(x, w, n, c, eps);
    }

    private Ref() {
    }

    /// down( silu(x Gᵀ) ⊙ (x Uᵀ) ).
    static double[] swiGluMlp(double[] x, double[] gate, double[] up, double[] down, int n, int c, int f) {
        double[] g = linear(x, gate, n, c, f);
        double[] u = linear(x, up, n, c, f);
        double[] h = new double[n * f];
        for (int i = 0; i < h.length; i++) {
            h[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        }
        return linear(h, down, n, f, c);
    }
}
