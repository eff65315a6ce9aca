package dev.tinyseek.testkit;

/// Naive `double` references shared by several tests, written from the definitions and
/// independent of the code under test.
public final class DoubleRef {

    private DoubleRef() {
    }

    /// y[N, out] = x[N, in] · Wᵀ, W [out, in].
    public static double[] linear(double[] x, double[] w, int n, int in, int out) {
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

    /// RMSNorm: y = w ⊙ x / sqrt(mean(x²) + eps), row by row.
    public static double[] rmsNorm(double[] x, double[] w, int n, int c, double eps) {
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
}
