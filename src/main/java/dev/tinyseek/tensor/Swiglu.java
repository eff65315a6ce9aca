package dev.tinyseek.tensor;

/// SiLU and the SwiGLU gate: `h = silu(g) ⊙ u` with `silu(g) = g · σ(g)`.
///
/// This is the middle of every DeepSeek feed-forward network, `down(silu(gate(x)) ⊙ up(x))`.
/// Backward, with `σ = σ(g)`:
/// - `du += dh · silu(g)`
/// - `dg += dh · u · σ · (1 + g (1 − σ))`  (the derivative of `g σ(g)`)
public final class Swiglu {

    private Swiglu() {
    }

    /// The logistic sigmoid `1 / (1 + e^−x)`.
    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float silu(float x) {
        return x * sigmoid(x);
    }

    public static void forward(float[] h,  // [N, F]
                               float[] g,  // [N, F] gate projection
                               float[] u,  // [N, F] up projection
                               int n, int f) {
        Shapes.check("swiglu", "h", h, n, f);
        Shapes.check("swiglu", "g", g, n, f);
        Shapes.check("swiglu", "u", u, n, f);
        for (int i = 0; i < n * f; i++) {
            h[i] = silu(g[i]) * u[i];
        }
    }

    public static void backward(float[] dg,  // [N, F], accumulated
                                float[] du,  // [N, F], accumulated
                                float[] dh,  // [N, F]
                                float[] g,   // [N, F]
                                float[] u,   // [N, F]
                                int n, int f) {
        Shapes.check("swiglu backward", "dh", dh, n, f);
        Shapes.check("swiglu backward", "dg", dg, n, f);
        Shapes.check("swiglu backward", "du", du, n, f);
        Shapes.check("swiglu backward", "g", g, n, f);
        Shapes.check("swiglu backward", "u", u, n, f);
        for (int i = 0; i < n * f; i++) {
            float s = sigmoid(g[i]);
            du[i] += dh[i] * (g[i] * s);
            dg[i] += dh[i] * u[i] * (s * (1f + g[i] * (1f - s)));
        }
    }

    // ---- the same, with σ(g) computed once ---------------------------------------------------

    /// [#forward], also writing `σ(g)` into `sigma` for [#backwardFromSigmoid]: the same `h` to the
    /// bit, and a backward that needs no `exp` (`exp` is most of these two passes' time).
    public static void forwardKeepingSigmoid(float[] h,     // [N, F]
                                             float[] sigma, // [N, F] out: σ(g)
                                             float[] g,     // [N, F]
                                             float[] u,     // [N, F]
                                             int n, int f) {
        Shapes.check("swiglu", "h", h, n, f);
        Shapes.check("swiglu", "sigma", sigma, n, f);
        Shapes.check("swiglu", "g", g, n, f);
        Shapes.check("swiglu", "u", u, n, f);
        for (int i = 0; i < n * f; i++) {
            float s = sigmoid(g[i]);
            sigma[i] = s;
            h[i] = g[i] * s * u[i];
        }
    }

    /// [#backward] with `σ(g)` read from [#forwardKeepingSigmoid]: the same gradients to the bit.
    public static void backwardFromSigmoid(float[] dg,    // [N, F], accumulated
                                           float[] du,    // [N, F], accumulated
                                           float[] dh,    // [N, F]
                                           float[] sigma, // [N, F] σ(g)
                                           float[] g,     // [N, F]
                                           float[] u,     // [N, F]
                                           int n, int f) {
        Shapes.check("swiglu backward", "dh", dh, n, f);
        Shapes.check("swiglu backward", "dg", dg, n, f);
        Shapes.check("swiglu backward", "du", du, n, f);
        Shapes.check("swiglu backward", "sigma", sigma, n, f);
        Shapes.check("swiglu backward", "g", g, n, f);
        Shapes.check("swiglu backward", "u", u, n, f);
        for (int i = 0; i < n * f; i++) {
            float s = sigma[i];
            du[i] += dh[i] * (g[i] * s);
            dg[i] += dh[i] * u[i] * (s * (1f + g[i] * (1f - s)));
        }
    }
}
