package dev.tinyseek.moe;

/// The complementary sequence-wise balance loss of DeepSeek-V3 (eq. 17-20), for one MoE layer:
///
///     f_i  = E / (K·T) · #{t : expert i among token t's chosen K}
///     s'_it = s_it / Σ_j s_jt                (affinities normalised over all experts)
///     P_i  = (1/T) Σ_t s'_it
///     L    = α Σ_i f_i P_i
///
/// per sequence of `T` tokens, averaged over the `B` sequences of a batch (the paper does not
/// say how sequences are combined; a mean keeps `α` independent of the batch size). `f_i` is a
/// count and carries no gradient; the gradient flows through `P_i` into the affinities. The
/// count uses the experts actually chosen (with the bias), where eq. 18 writes the top-k of the
/// unbiased scores; the text leaves this open. At perfect balance every `f_i = 1` and
/// `Σ_i P_i = 1`, so `Σ f_i P_i = 1`.
public final class SequenceBalanceLoss {

    private SequenceBalanceLoss() {
    }

    /// Returns the loss and writes its gradient with respect to the affinities `s` into
    /// `dScores` `[N, E]` (added).
    public static double lossAndGradient(Gate.Routing r, int b, int t, double alpha, float[] dScores) {
        int e = r.scores().length / r.n(), k = r.experts().length / r.n();
        double total = 0;
        for (int bi = 0; bi < b; bi++) {
            // f_i over this sequence
            double[] f = new double[e];
            for (int tok = bi * t; tok < (bi + 1) * t; tok++) {
                for (int j = 0; j < k; j++) {
                    f[r.experts()[tok * k + j]] += 1;
                }
            }
            for (int i = 0; i < e; i++) {
                f[i] *= (double) e / (k * t);
            }
            double seq = 0;
            for (int tok = bi * t; tok < (bi + 1) * t; tok++) {
                int off = tok * e;
                double sum = 0;
                for (int i = 0; i < e; i++) {
                    sum += r.scores()[off + i];
                }
                // L_seq = α/T Σ_t Σ_i f_i s_it/sum_t ; d/ds_jt = α/(T·sum) (f_j − Σ_i f_i s'_it)
                double dot = 0;
                for (int i = 0; i < e; i++) {
                    double sp = r.scores()[off + i] / sum;
                    seq += f[i] * sp;
                    dot += f[i] * sp;
                }
                double c = alpha / ((double) t * b * sum);
                for (int i = 0; i < e; i++) {
                    dScores[off + i] += (float) (c * (f[i] - dot));
                }
            }
            total += alpha * seq / t;
        }
        return total / b;
    }
}
