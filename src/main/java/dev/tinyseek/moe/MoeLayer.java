package dev.tinyseek.moe;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.FeedForward;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.SwiGluMlp;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/// A DeepSeekMoE feed-forward layer (DeepSeek-V3 eq. 12): shared experts that see every token,
/// plus fine-grained routed experts of which each token uses `K`:
///
///     h' = Σ_shared FFN_s(u) + Σ_{i ∈ topK(u)} g_i(u) · FFN_i(u)
///
/// (the residual `u + ...` is added by the block). Every expert is a SwiGLU MLP; the shared
/// experts are fused into one of width `n_shared_experts · moe_intermediate_size`, as in the
/// official code. Each routed expert runs only on the tokens routed to it, so the cost grows
/// with `K`, not with the number of experts. No token is ever dropped.
///
/// Training-side pieces DeepSeek did not publish, implemented from the paper:
/// - auxiliary-loss-free balancing ([#updateBias], §2.1.2): after a step, each expert's bias
///   moves by `γ` toward the mean load;
/// - the complementary sequence-wise balance loss (eq. 17-20) with weight `α` ([#setBalanceLossAlpha]).
///
/// HF names under `prefix` (`model.layers.3.mlp`): `gate.weight`, `gate.e_score_correction_bias`,
/// `experts.{i}.{gate,up,down}_proj.weight`, `shared_experts.{gate,up,down}_proj.weight`.
public final class MoeLayer implements FeedForward {

    public final Gate gate;
    public final List<SwiGluMlp> experts;
    public final SwiGluMlp shared; // null without shared experts
    private final int dim;
    private double alpha; // sequence-wise balance loss weight; 0 = off

    /// What backward needs, and the step's statistics.
    public record Saved(float[] x,                        // [N, C]
                        Gate.Routing routing,
                        FeedForward.Saved sharedSaved,    // null without shared experts
                        int[][] rows,                     // per expert: the token rows routed to it, in order
                        int[][] slots,                    // per expert: which of the token's K slots
                        SwiGluMlp.Saved[] expertSaved,    // per expert (null when it got no token)
                        float[] y,                        // [N, C]
                        int[] loads,                      // [E] tokens per expert in this batch
                        double balanceLoss,               // α Σ f_i P_i, averaged over sequences (0 when off)
                        float[] dBalanceScores,           // [N, E] its gradient on the affinities, or null
                        int b, int t) implements FeedForward.Saved {
    }

    /// The layer's settings by name (HF `config.json` keys in the comments), for building one
    /// without a positional argument list: `Config.defaults().withRoutedExperts(16).withTopK(4).build(prefix, rng)`.
    /// [#defaults()] is an MoE layer of the `tiny` preset.
    public record Config(int dim,              // hidden_size C
                         int routedExperts,    // n_routed_experts E
                         int sharedExperts,    // n_shared_experts
                         int inner,            // moe_intermediate_size: each expert's inner width
                         int topK,             // num_experts_per_tok K
                         int groups,           // n_group
                         int topkGroups,       // topk_group
                         Gate.Scoring scoring, // scoring_func
                         boolean normalize,    // norm_topk_prob
                         double routeScale,    // routed_scaling_factor
                         boolean withBias,     // an e_score_correction_bias (V3's noaux_tc routing)
                         double initStd) {     // initializer_range

        /// Width 64, 8 routed experts of inner width 32 and 1 shared, top-2 of 2 groups keeping 1,
        /// sigmoid, normalised, scale 2.5, with the selection bias, initial weights of std 0.02.
        public static Config defaults() {
            return new Config(64, 8, 1, 32, 2, 2, 1, Gate.Scoring.SIGMOID, true, 2.5, true, 0.02);
        }

        /// The router's part of these settings.
        public Gate.Config gate() {
            return new Gate.Config(dim, routedExperts, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        /// A layer with these settings, its parameters named under `prefix` and drawn from `rng`.
        public MoeLayer build(String prefix, Rng rng) {
            return new MoeLayer(prefix, dim, routedExperts, sharedExperts, inner, topK, groups, topkGroups,
                    scoring.name().toLowerCase(java.util.Locale.ROOT), normalize, routeScale, withBias, rng, initStd);
        }

        public Config withDim(int v) {
            return new Config(v, routedExperts, sharedExperts, inner, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withRoutedExperts(int v) {
            return new Config(dim, v, sharedExperts, inner, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withSharedExperts(int v) {
            return new Config(dim, routedExperts, v, inner, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withInner(int v) {
            return new Config(dim, routedExperts, sharedExperts, v, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withTopK(int v) {
            return new Config(dim, routedExperts, sharedExperts, inner, v, groups, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withGroups(int v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, v, topkGroups, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withTopkGroups(int v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, groups, v, scoring, normalize, routeScale, withBias, initStd);
        }

        public Config withScoring(Gate.Scoring v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, groups, topkGroups, v, normalize, routeScale, withBias, initStd);
        }

        public Config withNormalize(boolean v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, groups, topkGroups, scoring, v, routeScale, withBias, initStd);
        }

        public Config withRouteScale(double v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, groups, topkGroups, scoring, normalize, v, withBias, initStd);
        }

        public Config withBias(boolean v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, groups, topkGroups, scoring, normalize, routeScale, v, initStd);
        }

        public Config withInitStd(double v) {
            return new Config(dim, routedExperts, sharedExperts, inner, topK, groups, topkGroups, scoring, normalize, routeScale, withBias, v);
        }

        @Override
        public String toString() {
            return "MoE config: width " + dim + ", " + routedExperts + " routed experts of inner " + inner + " + "
                    + sharedExperts + " shared, top-" + topK + " of " + groups + " groups keeping " + topkGroups + ", "
                    + scoring.name().toLowerCase(java.util.Locale.ROOT) + (normalize ? ", normalised" : "") + ", scale "
                    + routeScale + (withBias ? ", with" : ", no") + " selection bias, init std " + initStd;
        }
    }

    /// - `scoring`: `sigmoid` (DeepSeek-V3) or `softmax` (V2); `normalize`: `norm_topk_prob`
    /// - `withBias`: whether the router has an `e_score_correction_bias` (whatever the width:
    ///   the official code ties it to V3's width; this code does not)
    ///
    /// [Config] names the same settings, with defaults.
    public MoeLayer(String prefix, int dim, int nRouted, int nShared, int inner, int topK, int groups, int topkGroups,
                    String scoring, boolean normalize, double routeScale, boolean withBias, Rng rng, double std) {
        Gate.Scoring sc = Gate.Scoring.parse(scoring);
        if (nShared < 0 || inner <= 0) {
            throw new IllegalArgumentException("moe: n_shared_experts = " + nShared + " must be >= 0 and moe_intermediate_size = "
                    + inner + " positive");
        }
        this.dim = dim;
        this.gate = new Gate.Config(dim, nRouted, topK, groups, topkGroups, sc, normalize, routeScale, withBias, std)
                .build(prefix + ".gate", rng);
        List<SwiGluMlp> list = new ArrayList<>();
        for (int i = 0; i < nRouted; i++) {
            list.add(new SwiGluMlp(prefix + ".experts." + i, dim, inner, rng, std));
        }
        this.experts = List.copyOf(list);
        this.shared = nShared > 0 ? new SwiGluMlp(prefix + ".shared_experts", dim, nShared * inner, rng, std) : null;
    }

    /// A one-line summary for jshell: its name, experts, routing rule and size.
    @Override
    public String toString() {
        String g = gate.weight.name;
        long n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return "MoeLayer " + g.substring(0, g.length() - ".gate.weight".length()) + ": width " + dim + ", " + experts.size()
                + " routed experts + " + (shared == null ? "no shared expert" : "a shared one") + ", top-" + gate.topK
                + " of " + gate.groups + " groups keeping " + gate.topkGroups + ", " + String.format("%,d", n) + " parameters"
                + (alpha > 0 ? ", balance loss α " + alpha : "");
    }

    /// Sets the weight `α` of the sequence-wise balance loss (DeepSeek-V3 uses 0.0001; 0 = off).
    public void setBalanceLossAlpha(double alpha) {
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("moe: balance loss alpha = " + alpha + " must be >= 0");
        }
        this.alpha = alpha;
    }

    @Override
    public Saved forward(float[] x, int n) {
        return forward(x, 1, n);
    }

    @Override
    public Saved forward(float[] x, int b, int t) {
        return forward(x, b, t, DecodingWeights.asStored());
    }

    @Override
    public float[] decode(float[] x, int t, DecodingWeights w) {
        return forward(x, 1, t, w).y();
    }

    private Saved forward(float[] x, int b, int t, DecodingWeights w) {
        int n = b * t, k = gate.topK, e = gate.experts;
        // 1. route
        Gate.Routing r = gate.route(x, n);
        // 2. which tokens each expert serves (in token order)
        int[] loads = new int[e];
        for (int i = 0; i < n * k; i++) {
            loads[r.experts()[i]]++;
        }
        int[][] rows = new int[e][], slots = new int[e][];
        int[] fill = new int[e];
        for (int i = 0; i < e; i++) {
            rows[i] = new int[loads[i]];
            slots[i] = new int[loads[i]];
        }
        for (int tok = 0; tok < n; tok++) {
            for (int j = 0; j < k; j++) {
                int ex = r.experts()[tok * k + j];
                rows[ex][fill[ex]] = tok;
                slots[ex][fill[ex]++] = j;
            }
        }
        // 3. every expert on its own tokens (experts in parallel: each writes only its own output)
        SwiGluMlp.Saved[] saved = new SwiGluMlp.Saved[e];
        Parallel.forRange(e, Parallel.grainFor(3L * n * k / e * dim * experts.get(0).hidden), (from, to) -> {
            for (int ex = from; ex < to; ex++) {
                if (loads[ex] > 0) {
                    saved[ex] = experts.get(ex).forward(gather(x, rows[ex]), loads[ex], w);
                }
            }
        });
        // 4. combine: y = shared(x) + Σ_j g_j · expert_j(x), each token's slots in order
        FeedForward.Saved sh = shared == null ? null : shared.forward(x, n, w);
        float[] y = sh == null ? new float[n * dim] : sh.y().clone();
        int[] at = new int[n * k]; // per (token, slot): the row of its expert's output
        for (int ex = 0; ex < e; ex++) {
            for (int i = 0; i < loads[ex]; i++) {
                at[rows[ex][i] * k + slots[ex][i]] = i;
            }
        }
        for (int tok = 0; tok < n; tok++) {
            for (int j = 0; j < k; j++) {
                float g = r.weights()[tok * k + j];
                float[] out = saved[r.experts()[tok * k + j]].y();
                int o = at[tok * k + j] * dim;
                for (int c = 0; c < dim; c++) {
                    y[tok * dim + c] += g * out[o + c];
                }
            }
        }
        // 5. the sequence-wise balance loss, if on
        double loss = 0;
        float[] dBal = null;
        if (alpha > 0) {
            dBal = new float[n * e];
            loss = SequenceBalanceLoss.lossAndGradient(r, b, t, alpha, dBal);
        }
        return new Saved(x, r, sh, rows, slots, saved, y, loads, loss, dBal, b, t);
    }

    @Override
    public float[] backward(FeedForward.Saved savedAny, float[] dy) {
        Saved s = (Saved) savedAny;
        int n = s.b * s.t, k = gate.topK, e = gate.experts;
        Gate.Routing r = s.routing;
        // 1. shared experts
        float[] dx = s.sharedSaved == null ? new float[n * dim] : shared.backward(s.sharedSaved, dy);
        // 2. routed experts: d(out) = g · dy on their rows; dg = dy · out
        float[] dWeights = new float[n * k];
        float[][] dxe = new float[e][];
        Parallel.forRange(e, Parallel.grainFor(3L * n * k / e * dim * experts.get(0).hidden), (from, to) -> {
            for (int ex = from; ex < to; ex++) {
                int m = s.loads[ex];
                if (m == 0) {
                    continue;
                }
                float[] out = s.expertSaved[ex].y();
                float[] dOut = new float[m * dim];
                for (int i = 0; i < m; i++) {
                    int tok = s.rows[ex][i], j = s.slots[ex][i];
                    float g = r.weights()[tok * k + j];
                    float dot = 0f;
                    for (int c = 0; c < dim; c++) {
                        dOut[i * dim + c] = g * dy[tok * dim + c];
                        dot += dy[tok * dim + c] * out[i * dim + c];
                    }
                    dWeights[tok * k + j] = dot; // each (token, slot) belongs to exactly one expert
                }
                dxe[ex] = experts.get(ex).backward(s.expertSaved[ex], dOut);
            }
        });
        for (int ex = 0; ex < e; ex++) { // scatter in a fixed order: the same sums for any thread count
            for (int i = 0; i < s.loads[ex]; i++) {
                int tok = s.rows[ex][i];
                for (int c = 0; c < dim; c++) {
                    dx[tok * dim + c] += dxe[ex][i * dim + c];
                }
            }
        }
        // 3. the router, through the chosen weights (and the balance loss)
        gate.backward(dx, r, dWeights, s.dBalanceScores, s.x);
        return dx;
    }

    /// Auxiliary-loss-free balancing (DeepSeek-V3 §2.1.2): `b_i += γ · sign(mean load − load_i)`,
    /// in fp32. An overloaded expert becomes less attractive, an idle one more; an exactly average
    /// expert is left alone. `loads` are the tokens per expert over a whole training step.
    public void updateBias(int[] loads, float gamma) {
        if (gate.bias == null) {
            throw new IllegalStateException("moe: this router has no e_score_correction_bias to update");
        }
        if (loads.length != gate.experts) {
            throw new IllegalArgumentException("moe: " + loads.length + " loads for " + gate.experts + " experts");
        }
        double mean = 0;
        for (int l : loads) {
            mean += l;
        }
        mean /= loads.length;
        for (int i = 0; i < loads.length; i++) {
            gate.bias.data[i] += gamma * (float) Math.signum(mean - loads[i]);
        }
    }

    @Override
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>();
        for (SwiGluMlp ex : experts) {
            ls.addAll(ex.linears());
        }
        if (shared != null) {
            ls.addAll(shared.linears());
        }
        return ls;
    }

    @Override
    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        p.add(gate.weight);
        for (SwiGluMlp ex : experts) {
            p.addAll(ex.params());
        }
        if (shared != null) {
            p.addAll(shared.params());
        }
        return p;
    }

    /// The router bias: saved with the checkpoint, updated by [#updateBias], never by the optimizer.
    @Override
    public List<Param> buffers() {
        return gate.bias == null ? List.of() : List.of(gate.bias);
    }

    private float[] gather(float[] x, int[] rows) {
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * dim, out, i * dim, dim);
        }
        return out;
    }
}
