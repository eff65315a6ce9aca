package dev.tinyseek.rl;

/// Log-probabilities of sampled tokens under `softmax(logits / T)`, with their backward.
///
/// GRPO's ratio and KL must use the distribution the tokens were sampled from, so the logits are
/// divided by the **sampling temperature** before the log-softmax (`docs/grpo-r1.md#log-probabilities-and-temperature`):
///
///     logp(x) = z_x / T − log Σ_j exp(z_j / T)
///     ∂logp(x)/∂z_j = (1[j = x] − p_j) / T,      p = softmax(z / T)
///     entropy = −Σ_j p_j log p_j                  (what the policy's spread is; logged)
///
/// All sums in `double`.
public final class TokenLogProbs {

    private TokenLogProbs() {
    }

    /// `logp[k]` of `tokens[k]` at logits row `rows[k]` of `logits` `[N, V]`, and the entropy of that
    /// row in `entropy[k]` (when not null).
    public static void forward(double[] logp,    // [K]
                               double[] entropy, // [K] or null
                               float[] logits,   // [N, V]
                               int[] rows,       // [K]
                               int[] tokens,     // [K]
                               int v, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("log-probs: temperature = " + temperature + " must be > 0");
        }
        for (int k = 0; k < rows.length; k++) {
            int off = rows[k] * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[off + j] / temperature);
            }
            double sum = 0, weighted = 0;
            for (int j = 0; j < v; j++) {
                double s = logits[off + j] / temperature - max;
                double e = Math.exp(s);
                sum += e;
                weighted += e * s;
            }
            double logZ = Math.log(sum);
            logp[k] = logits[off + tokens[k]] / temperature - max - logZ;
            if (entropy != null) {
                entropy[k] = logZ - weighted / sum; // −Σ p (s − logZ)
            }
        }
    }

    /// Adds `dlogp[k] · ∂logp[k]/∂logits` to `dlogits` `[N, V]`.
    public static void backward(float[] dlogits, // [N, V]
                                float[] logits,  // [N, V]
                                int[] rows,      // [K]
                                int[] tokens,    // [K]
                                double[] dlogp,  // [K]
                                int v, double temperature) {
        for (int k = 0; k < rows.length; k++) {
            if (dlogp[k] == 0) {
                continue;
            }
            int off = rows[k] * v;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[off + j] / temperature);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits[off + j] / temperature - max);
            }
            double g = dlogp[k] / temperature;
            for (int j = 0; j < v; j++) {
                double p = Math.exp(logits[off + j] / temperature - max) / sum;
                dlogits[off + j] += (float) (g * ((j == tokens[k] ? 1 : 0) - p));
            }
        }
    }
}
