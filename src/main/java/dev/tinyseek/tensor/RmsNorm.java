package dev.tinyseek.tensor;

import dev.tinyseek.backend.Parallel;

/// RMSNorm: `y = w ⊙ x · r` with `r = 1 / sqrt(mean(x²) + eps)` per row (no mean subtraction,
/// no bias; DeepSeek-V3 uses eps = 1e-6 everywhere).
///
/// Backward, with `g = w ⊙ dy`:
/// - term 1: `dx += r · g`
/// - term 2: `dx −= r³/C · x · Σ_j g_j x_j`  (through r's dependence on every x_j)
/// - `dw += dy ⊙ x · r`
public final class RmsNorm {

    private RmsNorm() {
    }

    public static void forward(float[] y,     // [N, C]
                               float[] rstd,  // [N] out: r of each row, saved for backward
                               float[] x,     // [N, C]
                               float[] w,     // [C]
                               int n, int c, float eps) {
        Shapes.check("rmsnorm", "y", y, n, c);
        Shapes.check("rmsnorm", "rstd", rstd, n);
        Shapes.check("rmsnorm", "x", x, n, c);
        Shapes.check("rmsnorm", "w", w, c);
        Parallel.forRange(n, Parallel.grainFor(4L * c), (from, to) -> {
            for (int i = from; i < to; i++) {
                int off = i * c;
                double ss = 0;
                for (int j = 0; j < c; j++) {
                    ss += (double) x[off + j] * x[off + j];
                }
                float r = (float) (1.0 / Math.sqrt(ss / c + eps));
                rstd[i] = r;
                for (int j = 0; j < c; j++) {
                    y[off + j] = w[j] * (x[off + j] * r);
                }
            }
        });
    }

    public static void backward(float[] dx,    // [N, C], accumulated
                                float[] dw,    // [C], accumulated (null if frozen)
                                float[] dy,    // [N, C]
                                float[] x,     // [N, C]
                                float[] w,     // [C]
                                float[] rstd,  // [N]
                                int n, int c) {
        Shapes.check("rmsnorm backward", "dx", dx, n, c);
        Shapes.check("rmsnorm backward", "dy", dy, n, c);
        Shapes.check("rmsnorm backward", "x", x, n, c);
        Shapes.check("rmsnorm backward", "w", w, c);
        Shapes.check("rmsnorm backward", "rstd", rstd, n);
        if (dw != null) { // checked before anything is written
            Shapes.check("rmsnorm backward", "dw", dw, c);
        }
        Parallel.forRange(n, Parallel.grainFor(4L * c), (from, to) -> {
            for (int i = from; i < to; i++) {
                int off = i * c;
                float r = rstd[i];
                double dot = 0; // Σ_j (w_j dy_j) x_j
                for (int j = 0; j < c; j++) {
                    dot += (double) w[j] * dy[off + j] * x[off + j];
                }
                float k = (float) (dot * r * r * r / c);
                for (int j = 0; j < c; j++) {
                    dx[off + j] += r * (w[j] * dy[off + j]) - k * x[off + j];
                }
            }
        });
        if (dw != null) {
            // a reduction over rows: parallel over channels, rows in order
            Parallel.forRange(c, Parallel.grainFor(2L * n), (from, to) -> {
                for (int i = 0; i < n; i++) {
                    int off = i * c;
                    float r = rstd[i];
                    for (int j = from; j < to; j++) {
                        dw[j] += dy[off + j] * (x[off + j] * r);
                    }
                }
            });
        }
    }
}
