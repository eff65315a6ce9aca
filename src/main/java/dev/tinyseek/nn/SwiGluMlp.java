package dev.tinyseek.nn;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Swiglu;

import java.util.List;

/// The SwiGLU feed-forward network of DeepSeek-V3: `y = down( silu(gate(x)) ⊙ up(x) )`
/// (official names `w1` = gate_proj, `w3` = up_proj, `w2` = down_proj). Used for the dense
/// layers, for every routed expert and for the shared experts.
public final class SwiGluMlp implements FeedForward {

    public final Linear gate; // [F, C]
    public final Linear up;   // [F, C]
    public final Linear down; // [C, F]
    public final int dim;     // C
    public final int hidden;  // F

    /// What backward needs.
    public record Saved(float[] x,  // [N, C]
                        float[] g,  // [N, F] gate(x)
                        float[] u,  // [N, F] up(x)
                        float[] h,  // [N, F] silu(g) ⊙ u
                        float[] y,  // [N, C]
                        int n,
                        float[] sigma) implements FeedForward.Saved { // [N, F] σ(g), so that backward needs no exp

    }

    public SwiGluMlp(String prefix, int dim, int hidden, Rng rng, double std) {
        this.dim = dim;
        this.hidden = hidden;
        this.gate = new Linear(prefix + ".gate_proj", dim, hidden, rng, std);
        this.up = new Linear(prefix + ".up_proj", dim, hidden, rng, std);
        this.down = new Linear(prefix + ".down_proj", hidden, dim, rng, std);
    }

    @Override
    public Saved forward(float[] x, int n) {
        return forward(x, n, DecodingWeights.asStored());
    }

    /// [#forward(float[], int)] with the three products reading their weights through `w`.
    public Saved forward(float[] x, int n, DecodingWeights w) {
        float[] g = gate.forward(x, n, w);
        float[] u = up.forward(x, n, w);
        float[] h = new float[n * hidden], sigma = new float[n * hidden];
        Swiglu.forwardKeepingSigmoid(h, sigma, g, u, n, hidden);
        float[] y = down.forward(h, n, w);
        return new Saved(x, g, u, h, y, n, sigma);
    }

    @Override
    public float[] decode(float[] x, int t, DecodingWeights w) {
        return forward(x, t, w).y();
    }

    /// Returns `dx` and accumulates the three weights' gradients.
    @Override
    public float[] backward(FeedForward.Saved saved, float[] dy) {
        Saved s = (Saved) saved;
        float[] dh = down.backward(dy, s.h, s.n);
        float[] dg = new float[s.n * hidden];
        float[] du = new float[s.n * hidden];
        Swiglu.backwardFromSigmoid(dg, du, dh, s.sigma, s.g, s.u, s.n, hidden);
        float[] dx = gate.backward(dg, s.x, s.n);
        float[] dxUp = up.backward(du, s.x, s.n);
        for (int i = 0; i < dx.length; i++) {
            dx[i] += dxUp[i];
        }
        return dx;
    }

    @Override
    public List<Linear> linears() {
        return List.of(gate, up, down);
    }

    @Override
    public List<Param> params() {
        return List.of(gate.weight, up.weight, down.weight);
    }
}
