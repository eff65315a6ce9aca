package dev.tinyseek.nn;

import dev.tinyseek.tensor.RmsNorm;

/// An RMSNorm layer with a learned gain `w` (initialised to 1), stored as `<prefix>.weight`.
public final class RmsNormLayer {

    public final Param weight; // [C]
    public final int dim;
    public final float eps;

    /// What backward needs: the input and each row's `1/rms`.
    public record Saved(float[] x,     // [N, C]
                        float[] rstd,  // [N]
                        float[] y,     // [N, C] the output
                        int n) {
    }

    public RmsNormLayer(String prefix, int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = new Param(prefix + ".weight", false, dim);
        java.util.Arrays.fill(weight.data, 1f);
    }

    public Saved forward(float[] x, int n) {
        float[] y = new float[n * dim];
        float[] rstd = new float[n];
        RmsNorm.forward(y, rstd, x, weight.data, n, dim, eps);
        return new Saved(x, rstd, y, n);
    }

    /// Returns `dx` and adds to the gain's gradient.
    public float[] backward(Saved s, float[] dy) {
        float[] dx = new float[s.n * dim];
        RmsNorm.backward(dx, weight.grad, dy, s.x, weight.data, s.rstd, s.n, dim);
        return dx;
    }
}
