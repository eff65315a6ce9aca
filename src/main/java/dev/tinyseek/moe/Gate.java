package dev.tinyseek.moe;

import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.MatMul;
import dev.tinyseek.tensor.Rng;

import java.util.Arrays;

/// The DeepSeekMoE router (DeepSeek-V3 eq. 13-16; official `Gate.forward`, `docs/moe.md#the-router-step-by-step`): which
/// `K` of the `E` routed experts each token goes to, and with what weight.
///
/// For each token `u`:
/// 1. affinities `s_i = sigmoid(u·e_i)` (or a softmax over experts, the DeepSeek-V2 variant), in fp32;
/// 2. selection scores `s_i + b_i`: the `e_score_correction_bias` steers **selection only**;
/// 3. group-limited routing: experts are split into `n_group` groups; a group scores the sum of
///    its two best selection scores (with the bias; the max without it), the best `topk_group`
///    groups are kept and every other expert is masked to −∞ (not 0: with negative scores an
///    expert of an excluded group could otherwise win);
/// 4. the top `K` of the masked selection scores (ties: the lower index);
/// 5. weights from the **unbiased** affinities of the chosen experts, divided by their sum when
///    `norm_topk_prob`, times `routed_scaling_factor`.
///
/// Backward flows through the weights of the chosen experts (the choice itself is a discrete
/// step and gets no gradient), and through the sequence-wise balance loss when it is on.
/// Left out: token dropping and capacity limits (DeepSeek-V3 drops no tokens).
public final class Gate {

    /// How affinities are computed.
    public enum Scoring {
        SIGMOID, SOFTMAX;

        /// The scoring of HF's `scoring_func` value, `"sigmoid"` or `"softmax"`.
        public static Scoring parse(String scoringFunc) {
            return switch (scoringFunc) {
                case "sigmoid" -> SIGMOID;
                case "softmax" -> SOFTMAX;
                case null, default -> throw new IllegalArgumentException("moe: scoring_func = " + scoringFunc + "; expected sigmoid or softmax");
            };
        }
    }

    /// The router's settings by name (HF `config.json` keys in the comments), for building one
    /// without a positional argument list: `Config.defaults().withExperts(16).withTopK(4).build(prefix, rng)`.
    /// [#defaults()] is the router of the `tiny` preset.
    public record Config(int dim,            // hidden_size C
                         int experts,        // n_routed_experts E
                         int topK,           // num_experts_per_tok K
                         int groups,         // n_group
                         int topkGroups,     // topk_group
                         Scoring scoring,    // scoring_func
                         boolean normalize,  // norm_topk_prob
                         double routeScale,  // routed_scaling_factor
                         boolean withBias,   // an e_score_correction_bias (V3's noaux_tc routing)
                         double initStd) {   // initializer_range

        /// Width 64, 8 experts, top-2 of 2 groups keeping 1, sigmoid, normalised, scale 2.5, with
        /// the selection bias, initial weights of std 0.02.
        public static Config defaults() {
            return new Config(64, 8, 2, 2, 1, Scoring.SIGMOID, true, 2.5, true, 0.02);
        }

        /// A router with these settings, its parameters named under `prefix` and drawn from `rng`.
        public Gate build(String prefix, Rng rng) {
            return new Gate(prefix, dim, experts, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, rng, initStd);
        }

        public Config withDim(int v) {
            return new Config(v, experts, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withExperts(int v) {
            return new Config(dim, v, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withTopK(int v) {
            return new Config(dim, experts, v, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withGroups(int v) {
            return new Config(dim, experts, topK, v, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withTopkGroups(int v) {
            return new Config(dim, experts, topK, groups, v, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withScoring(Scoring v) {
            return new Config(dim, experts, topK, groups, topkGroups, v, normalize, routeScale, withBias, initStd);
        }

        public Config withNormalize(boolean v) {
            return new Config(dim, experts, topK, groups, topkGroups, scoring, v, routeScale, withBias, initStd);
        }

        public Config withRouteScale(double v) {
            return new Config(dim, experts, topK, groups, topkGroups, scoring, normalize, v, withBias, initStd);
        }

        public Config withBias(boolean v) {
            return new Config(dim, experts, topK, groups, topkGroups, scoring, normalize, routeScale, v, initStd);
        }

        public Config withInitStd(double v) {
            return new Config(dim, experts, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, v);
        }

        @Override
        public String toString() {
            return "gate config: width " + dim + ", top-" + topK + " of " + experts + " experts in " + groups
                    + " groups keeping " + topkGroups + ", " + scoring.name().toLowerCase(java.util.Locale.ROOT)
                    + (normalize ? ", normalised" : "") + ", scale " + routeScale + (withBias ? ", with" : ", no")
                    + " selection bias, init std " + initStd;
        }
    }

    public final Param weight;   // [E, C] "<prefix>.weight"
    /// `e_score_correction_bias` `[E]`, fp32; changed by [MoeLayer#updateBias], never by gradients; null when absent.
    public final Param bias;
    public final int experts, topK, groups, topkGroups, dim;
    public final Scoring scoring;
    public final boolean normalize;
    public final float routeScale;

    /// The routing of `N` tokens: what backward needs, and the load statistics.
    public record Routing(int[] experts,   // [N, K] chosen experts, best first
                          float[] weights, // [N, K] gate values g (after normalisation and scaling)
                          float[] scores,  // [N, E] unbiased affinities s
                          int n) {

        /// A summary for jshell: each token's experts and weights (the first 8 tokens).
        @Override
        public String toString() {
            int k = experts.length / Math.max(1, n);
            StringBuilder sb = new StringBuilder("Routing of " + n + " tokens, top-" + k + ":");
            for (int u = 0; u < Math.min(n, 8); u++) {
                sb.append(" token ").append(u).append(" →");
                for (int j = 0; j < k; j++) {
                    sb.append(j == 0 ? " " : ", ").append("expert ").append(experts[u * k + j])
                            .append(String.format(java.util.Locale.ROOT, " (%.3f)", weights[u * k + j]));
                }
                sb.append(";");
            }
            if (n > 8) {
                sb.append(" … ").append(n - 8).append(" more");
            }
            return sb.toString();
        }
    }

    /// [Config] names the same settings, with defaults.
    public Gate(String prefix, int dim, int experts, int topK, int groups, int topkGroups, Scoring scoring,
                boolean normalize, double routeScale, boolean withBias, Rng rng, double std) {
        if (experts <= 0 || topK <= 0 || topK > experts) {
            throw new IllegalArgumentException("gate: num_experts_per_tok = " + topK + " must be in [1, n_routed_experts = " + experts + "]");
        }
        if (groups <= 0 || experts % groups != 0) {
            throw new IllegalArgumentException("gate: n_group = " + groups + " must divide n_routed_experts = " + experts);
        }
        if (topkGroups <= 0 || topkGroups > groups) {
            throw new IllegalArgumentException("gate: topk_group = " + topkGroups + " must be in [1, n_group = " + groups + "]");
        }
        if (topK > topkGroups * (experts / groups)) {
            throw new IllegalArgumentException("gate: num_experts_per_tok = " + topK + " exceeds the experts of the kept groups, "
                    + "topk_group × experts per group = " + topkGroups * (experts / groups));
        }
        this.dim = dim;
        this.experts = experts;
        this.topK = topK;
        this.groups = groups;
        this.topkGroups = topkGroups;
        this.scoring = scoring;
        this.normalize = normalize;
        this.routeScale = (float) routeScale;
        this.weight = new Param(prefix + ".weight", true, experts, dim);
        rng.fillNormal(weight.data, std);
        this.bias = withBias ? new Param(prefix + ".e_score_correction_bias", false, experts) : null;
    }

    /// A one-line summary for jshell: its name and routing rule.
    @Override
    public String toString() {
        String name = weight.name.substring(0, weight.name.length() - ".weight".length());
        return "Gate " + name + ": top-" + topK + " of " + experts + " experts in " + groups + " groups keeping "
                + topkGroups + ", " + scoring.name().toLowerCase(java.util.Locale.ROOT) + (normalize ? ", normalised" : "")
                + ", scale " + routeScale + (bias != null ? ", with" : ", no") + " selection bias";
    }

    /// Routes `N` tokens.
    public Routing route(float[] x, // [N, C]
                         int n) {
        int e = experts, k = topK;
        float[] logits = new float[n * e];
        MatMul.forward(logits, x, weight.data, null, n, dim, e);
        float[] scores = new float[n * e];
        int[] chosen = new int[n * k];
        float[] w = new float[n * k];
        float[] sel = new float[e];
        for (int t = 0; t < n; t++) {
            // 1. affinities
            int off = t * e;
            if (scoring == Scoring.SIGMOID) {
                for (int i = 0; i < e; i++) {
                    scores[off + i] = (float) (1.0 / (1.0 + Math.exp(-logits[off + i])));
                }
            } else {
                dev.tinyseek.tensor.Softmax.row(scores, logits, off, e);
            }
            // 2. selection scores
            for (int i = 0; i < e; i++) {
                sel[i] = scores[off + i] + (bias == null ? 0f : bias.data[i]);
            }
            // 3. keep the best groups, mask the rest to -inf
            if (groups > 1) {
                maskGroups(sel);
            }
            // 4. top-k, 5. weights from the unbiased scores
            topK(sel, chosen, t * k);
            float sum = 0f;
            for (int j = 0; j < k; j++) {
                w[t * k + j] = scores[off + chosen[t * k + j]];
                sum += w[t * k + j];
            }
            for (int j = 0; j < k; j++) {
                w[t * k + j] = (normalize ? w[t * k + j] / sum : w[t * k + j]) * routeScale;
            }
        }
        return new Routing(chosen, w, scores, n);
    }

    /// Step 3: group score = sum of the top two (with a bias) or the max (without); keep the best
    /// `topk_group` groups (ties: lower group index); everything else becomes -inf.
    void maskGroups(float[] sel) {
        int per = experts / groups;
        float[] groupScore = new float[groups];
        for (int g = 0; g < groups; g++) {
            float first = Float.NEGATIVE_INFINITY, second = Float.NEGATIVE_INFINITY;
            for (int i = g * per; i < (g + 1) * per; i++) {
                if (sel[i] > first) {
                    second = first;
                    first = sel[i];
                } else if (sel[i] > second) {
                    second = sel[i];
                }
            }
            groupScore[g] = bias != null ? first + (per > 1 ? second : 0f) : first;
        }
        boolean[] keep = new boolean[groups];
        for (int r = 0; r < topkGroups; r++) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
                if (!keep[g] && (best < 0 || groupScore[g] > groupScore[best])) {
                    best = g;
                }
            }
            keep[best] = true;
        }
        for (int g = 0; g < groups; g++) {
            if (!keep[g]) {
                Arrays.fill(sel, g * per, (g + 1) * per, Float.NEGATIVE_INFINITY);
            }
        }
    }

    /// Step 4: the indices of the `K` largest entries, best first (ties: lower index).
    void topK(float[] sel, int[] out, int off) {
        boolean[] taken = new boolean[experts];
        for (int j = 0; j < topK; j++) {
            int best = -1;
            for (int i = 0; i < experts; i++) {
                if (!taken[i] && sel[i] != Float.NEGATIVE_INFINITY && (best < 0 || sel[i] > sel[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            out[off + j] = best;
        }
    }

    /// Backward: from `dWeights` `[N, K]` (the loss's gradient with respect to each gate value)
    /// and `dScores` `[N, E]` (extra gradient on the affinities, e.g. from the balance loss; may be
    /// null), adds to the gate weight's gradient and to `dx` `[N, C]`.
    public void backward(float[] dx, Routing r, float[] dWeights, float[] dScores, float[] x) {
        int n = r.n(), e = experts, k = topK;
        float[] ds = dScores == null ? new float[n * e] : dScores.clone();
        // 1. through the scale and the renormalisation: g_j = c · s_j / Σ_k s_k
        for (int t = 0; t < n; t++) {
            float sum = 0f, dot = 0f;
            for (int j = 0; j < k; j++) {
                float s = r.scores()[t * e + r.experts()[t * k + j]];
                sum += s;
            }
            for (int j = 0; j < k; j++) {
                float s = r.scores()[t * e + r.experts()[t * k + j]];
                dot += dWeights[t * k + j] * s;
            }
            for (int j = 0; j < k; j++) {
                int i = r.experts()[t * k + j];
                float d = normalize ? routeScale * (dWeights[t * k + j] / sum - dot / (sum * sum))
                        : routeScale * dWeights[t * k + j];
                ds[t * e + i] += d;
            }
        }
        // 2. through the affinity function
        float[] dLogits = new float[n * e];
        for (int t = 0; t < n; t++) {
            int off = t * e;
            if (scoring == Scoring.SIGMOID) {
                for (int i = 0; i < e; i++) {
                    float s = r.scores()[off + i];
                    dLogits[off + i] = ds[off + i] * s * (1f - s);
                }
            } else {
                dev.tinyseek.tensor.Softmax.rowBackward(dLogits, ds, r.scores(), off, e);
            }
        }
        // 3. through the router matmul
        MatMul.backward(dx, weight.grad, null, dLogits, x, weight.data, n, dim, e);
    }
}
