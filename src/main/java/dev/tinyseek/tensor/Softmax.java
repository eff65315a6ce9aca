package dev.tinyseek.tensor;

/// Row-wise softmax `y_i = exp(x_i − max x) / Σ_j exp(x_j − max x)` and its backward
/// `dx_i = y_i (dy_i − Σ_j y_j dy_j)`.
///
/// Subtracting the row maximum changes nothing mathematically and keeps `exp` from
/// overflowing. A row of all `−∞` (fully masked) is an error, not a silent NaN.
public final class Softmax {

    private Softmax() {
    }

    public static void forward(float[] y,   // [N, V]
                               float[] x,   // [N, V]
                               int n, int v) {
        Shapes.check("softmax", "y", y, n, v);
        Shapes.check("softmax", "x", x, n, v);
        for (int i = 0; i < n; i++) {
            row(y, x, i * v, v);
        }
    }

    /// Softmax of one row `x[off, off+v)` into `y[off, off+v)`; `x` and `y` may be the same array.
    public static void row(float[] y, float[] x, int off, int v) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, x[off + j]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("softmax: a row with every entry -inf (all masked) at offset " + off);
        }
        float sum = 0f;
        for (int j = 0; j < v; j++) {
            float e = (float) Math.exp(x[off + j] - max);
            y[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < v; j++) {
            y[off + j] *= inv;
        }
    }

    public static void backward(float[] dx,  // [N, V], accumulated
                                float[] dy,  // [N, V]
                                float[] y,   // [N, V] the forward output
                                int n, int v) {
        Shapes.check("softmax backward", "dx", dx, n, v);
        Shapes.check("softmax backward", "dy", dy, n, v);
        Shapes.check("softmax backward", "y", y, n, v);
        for (int i = 0; i < n; i++) {
            rowBackward(dx, dy, y, i * v, v);
        }
    }

    /// Backward of one row.
    public static void rowBackward(float[] dx, float[] dy, float[] y, int off, int v) {
        float dot = 0f;
        for (int j = 0; j < v; j++) {
            dot += y[off + j] * dy[off + j];
        }
        for (int j = 0; j < v; j++) {
            dx[off + j] += y[off + j] * (dy[off + j] - dot);
        }
    }
}
