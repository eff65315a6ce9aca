package dev.tinyseek.nn;

/// Naive double references for the layer tests, written from the definitions.
final class Ref {

    private Ref() {
    }

    /// y[N, out] = x[N, in] · Wᵀ, W [out, in].
    static double[] linear(double[] x, double[] w, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int p = 0; p < in; p++) {
                    s += x[i * in + p] * w[o * in + p];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    static double[] rmsNorm(double[] x, double[] w, int n, int c, double eps) {
        double[] y = new double[n * c];
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int j = 0; j < c; j++) {
                ss += x[i * c + j] * x[i * c + j];
            }
            double r = 1 / Math.sqrt(ss / c + eps);
            for (int j = 0; j < c; j++) {
                y[i * c + j] = w[j] * x[i * c + j] * r;
            }
        }
        return y;
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
