package dev.tinyseek.nn;

import dev.tinyseek.tensor.MatMul;
import dev.tinyseek.tensor.Rng;

/// A linear layer without bias, `y = x Wᵀ`, with `W` stored `[out, in]` under its HF name
/// (`<prefix>.weight`). DeepSeek-V3 has no biases in any projection.
public final class Linear {

    public final Param weight; // [out, in]
    public final int in;
    public final int out;

    /// A layer whose weight is drawn from N(0, std²).
    public Linear(String prefix, int in, int out, Rng rng, double std) {
        this.in = in;
        this.out = out;
        this.weight = new Param(prefix + ".weight", true, out, in);
        rng.fillNormal(weight.data, std);
    }

    /// y[N, out] = x[N, in] · Wᵀ.
    public float[] forward(float[] x, int n) {
        float[] y = new float[n * out];
        MatMul.forward(y, x, weight.data, null, n, in, out);
        return y;
    }

    /// Adds `dyᵀ x` to `W`'s gradient and returns `dx[N, in] = dy · W`.
    public float[] backward(float[] dy, // [N, out]
                            float[] x,  // [N, in], the forward input
                            int n) {
        float[] dx = new float[n * in];
        MatMul.backward(dx, weight.grad, null, dy, x, weight.data, n, in, out);
        return dx;
    }
}
