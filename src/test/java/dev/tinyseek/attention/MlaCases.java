package dev.tinyseek.attention;

import dev.tinyseek.attention.MultiHeadLatentAttention.Form;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;

import java.util.List;

/// Random MLA layers and inputs for the property tests.
final class MlaCases {

    static final float EPS = 1e-6f;
    static final double THETA = 10000;

    private MlaCases() {
    }

    /// One case: the dims, whether YaRN is on (stretched frequencies, scale × mscale²), the
    /// weights' seed, the input and an upstream gradient.
    record Case(MlaRef.Dims d, boolean yarn, long seed, float[] x, float[] dy) {
    }

    /// Small dims for double references and finite differences. Inputs are N(0,1) or U(−1,1):
    /// no outliers, because a score of size 1000 saturates the softmax and turns float rounding
    /// of the scores into O(1) changes of the output (a conditioning problem, not a bug). Latent
    /// ranks are at least 2: RMSNorm of a single number is `w·x/sqrt(x² + eps)`, a step of width
    /// `sqrt(eps)` = 1e-3 at 0, so a latent that is a near-cancellation would turn its rounding
    /// into an O(1) change (ill-conditioned, again not a bug).
    static Case make(Gen g, boolean qLora) {
        int b = g.dim(1, 2), t = g.dim(1, 5), c = g.dim(1, 6), h = g.dim(1, 3);
        int qRank = qLora ? g.dim(2, 5) : 0;
        int r = g.dim(2, 5), dn = g.dim(1, 4), dr = 2 * g.dim(1, 2), dv = g.dim(1, 4);
        MlaRef.Dims d = new MlaRef.Dims(b, t, c, h, qRank, r, dn, dr, dv);
        float[] x = g.bool() ? g.normal(b * t * c, 1) : g.uniform(b * t * c, -1, 1);
        return new Case(d, g.bool(), g.nextSeed(), x, g.normal(b * t * c, 1));
    }

    /// A YaRN that is active for every test context (original context 4 < 16 positions).
    static final Yarn TEST_YARN = new Yarn(4, 4, 32, 1, 1, 1);
    static final int MAX_POS = 64;

    static double[] freqs(Case c) {
        return c.yarn() ? TEST_YARN.frequencies(c.d().dr(), THETA) : Rope.plainFrequencies(c.d().dr(), THETA);
    }

    static double scale(Case c) {
        double plain = 1 / Math.sqrt(c.d().dqk());
        return c.yarn() ? plain * TEST_YARN.softmaxScaleFactor() : plain;
    }

    /// The layer of a case: weights N(0, 0.5²) from the seed, and norm gains 1 + N(0, 0.1²) so
    /// that a gain gradient that ignored the gain's value would show.
    static MultiHeadLatentAttention layer(Case c, Form form) {
        MlaRef.Dims d = c.d();
        Rng rng = new Rng(c.seed());
        MultiHeadLatentAttention m = new MultiHeadLatentAttention("model.layers.0.self_attn", d.c(), d.h(), d.qRank(), d.r(),
                d.dn(), d.dr(), d.dv(), new Rope(freqs(c), MAX_POS), (float) scale(c), EPS, form, rng, 0.5);
        for (Param p : m.params()) {
            if (!p.decay) { // the RMSNorm gains
                rng.fillNormal(p.data, 0.1);
                for (int i = 0; i < p.data.length; i++) {
                    p.data[i] += 1;
                }
            }
        }
        return m;
    }

    /// The weights as doubles, in `params()` order.
    static double[][] weights(MultiHeadLatentAttention m) {
        List<Param> ps = m.params();
        double[][] w = new double[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = GradCheck.toDouble(ps.get(i).data);
        }
        return w;
    }

    static double[] reference(Case c, double[] x, double[][] w) {
        return MlaRef.forward(c.d(), freqs(c), scale(c), EPS, x, w);
    }

    /// The size of the terms an output is made of, `S = max|c| · ‖W^UV‖ · ‖W_o‖` (`‖·‖` the largest
    /// row sum of absolute values; `W^UV` the value rows of `kv_b_proj`): every `v` sums terms of
    /// at most `max|c|·‖W^UV‖`, every `o` is a convex combination of values, and every `y` sums
    /// `o·W_o`. So `S ≥ max|y|`, and float rounding errors are relative to `S`, not to a `y` (or a
    /// `v`) that cancels (a rank-1 latent, one head). Forward tolerances are measured against it.
    static double outputScale(Case c, MultiHeadLatentAttention m) {
        MlaRef.Dims d = c.d();
        double[][] w = weights(m);
        double maxC = MlaRef.run(d, freqs(c), scale(c), EPS, GradCheck.toDouble(c.x()), w).maxAbsLatent();
        double[] kvb = w[w.length - 2]; // [H·(Dn + Dv), R]
        double uv = 0;
        for (int hh = 0; hh < d.h(); hh++) {
            for (int e = 0; e < d.dv(); e++) {
                uv = Math.max(uv, absRowSum(kvb, hh * (d.dn() + d.dv()) + d.dn() + e, d.r()));
            }
        }
        double[] wo = w[w.length - 1]; // [C, H·Dv]
        double o = 0;
        for (int row = 0; row < d.c(); row++) {
            o = Math.max(o, absRowSum(wo, row, d.h() * d.dv()));
        }
        return maxC * uv * o;
    }

    private static double absRowSum(double[] w, int row, int in) {
        double s = 0;
        for (int j = 0; j < in; j++) {
            s += Math.abs(w[row * in + j]);
        }
        return s;
    }
}
