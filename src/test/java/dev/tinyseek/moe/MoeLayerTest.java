package dev.tinyseek.moe;

import dev.tinyseek.nn.FeedForward;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.SwiGluMlp;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Threads;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MoeLayerTest {

    static final int C = 8, E = 8, INNER = 6, K = 2;

    static MoeLayer layer(long seed) {
        MoeLayer m = new MoeLayer("model.layers.1.mlp", C, E, 1, INNER, K, 2, 1, "sigmoid", true, 2.5, true, new Rng(seed), 0.3);
        Rng r = new Rng(seed + 1);
        for (int i = 0; i < E; i++) {
            m.gate.bias.data[i] = (float) (0.1 * r.nextGaussian());
        }
        return m;
    }

    static float[] input(int n, long seed) {
        float[] x = new float[n * C];
        new Rng(seed).fillNormal(x, 1.0);
        return x;
    }

    /// The layer equals a dense reference that runs every expert on every token and masks.
    @Test
    void equalsADenseReferenceThatRunsEveryExpertAndMasks() {
        MoeLayer m = layer(1);
        int n = 10;
        float[] x = input(n, 2);
        MoeLayer.Saved s = m.forward(x, 2, 5);
        Gate.Routing r = s.routing();
        float[] ref = m.shared.forward(x, n).y().clone();
        for (int e = 0; e < E; e++) {
            float[] all = m.experts.get(e).forward(x, n).y();
            for (int t = 0; t < n; t++) {
                float g = 0;
                for (int j = 0; j < K; j++) {
                    if (r.experts()[t * K + j] == e) {
                        g = r.weights()[t * K + j];
                    }
                }
                for (int c = 0; c < C; c++) {
                    ref[t * C + c] += g * all[t * C + c];
                }
            }
        }
        assertThat(s.y()).containsExactly(ref, within(1e-5f));
        assertThat(Arrays.stream(s.loads()).sum()).isEqualTo(n * K);
    }

    /// Backward against central differences in `double` of the layer written again in double
    /// ([DoubleMoe]), `L = Σ dy·y + balance loss`, on **every** coordinate of the input and of
    /// every parameter (router, each routed expert, the shared expert), with and without shared
    /// experts and the balance loss. The routing stays fixed: at `v ± h` the double router's top-k
    /// set of every token is recomputed, and a coordinate where it differs from the layer's own
    /// choice is skipped and counted (the choice reads only the input and the router's weight, so
    /// only their coordinates can flip it). The check fails if more than [#MAX_SKIPPED] coordinates are
    /// skipped, i.e. if it checks fewer than 1,400 of the 1,424 coordinates (1,256 of 1,280
    /// without the shared expert).
    @Test
    void backwardMatchesDoubleFiniteDifferencesOnEveryCoordinateWithTheRoutingFixed() {
        for (int shared : new int[] {0, 1}) {
            for (double alpha : new double[] {0, 0.5}) {
                MoeLayer m = MoeLayer.Config.defaults().withDim(C).withRoutedExperts(E).withSharedExperts(shared).withInner(INNER)
                        .withTopK(K).withGroups(2).withTopkGroups(1).withInitStd(0.3).build("model.layers.1.mlp", new Rng(3));
                Rng br = new Rng(4);
                for (int i = 0; i < E; i++) {
                    m.gate.bias.data[i] = (float) (0.1 * br.nextGaussian());
                }
                m.setBalanceLossAlpha(alpha);
                int b = 2, t = 4, n = b * t;
                float[] x = input(n, 4), dy = input(n, 5);
                MoeLayer.Saved s = m.forward(x, b, t);
                for (Param p : m.params()) {
                    p.zeroGrad();
                }
                float[] dx = m.backward(s, dy);
                int[][] choice = DoubleMoe.sets(s.routing().experts(), n, K);

                DoubleMoe ref = new DoubleMoe(m, alpha, b, t);
                double[] xd = GradCheck.toDouble(x), dyd = GradCheck.toDouble(dy);
                assertThat(ref.choice(xd)).as("the double router chooses what the layer chose").isDeepEqualTo(choice);
                java.util.Map<String, float[]> analytic = new java.util.LinkedHashMap<>();
                java.util.Map<String, double[]> values = new java.util.LinkedHashMap<>();
                analytic.put("x", dx);
                values.put("x", xd);
                for (Param p : m.params()) {
                    analytic.put(p.name, p.grad);
                    values.put(p.name, ref.w.get(p.name));
                }
                int coordinates = 0, checked = 0;
                for (String name : values.keySet()) {
                    double[] v = values.get(name);
                    double[] num = new double[v.length];
                    float[] got = new float[v.length];
                    int kept = 0;
                    for (int i = 0; i < v.length; i++) {
                        coordinates++;
                        double vi = v[i], h = GradCheck.STEP * Math.max(1, Math.abs(vi));
                        boolean routes = name.equals("x") || name.equals(m.gate.weight.name); // what the choice reads
                        v[i] = vi + h;
                        boolean same = !routes || java.util.Arrays.deepEquals(ref.choice(xd), choice);
                        double up = ref.objective(xd, dyd, choice);
                        v[i] = vi - h;
                        same &= !routes || java.util.Arrays.deepEquals(ref.choice(xd), choice);
                        double down = ref.objective(xd, dyd, choice);
                        v[i] = vi;
                        if (!same) {
                            continue; // the routing flips inside [v − h, v + h]: no derivative to check here
                        }
                        num[kept] = (up - down) / (2 * h);
                        got[kept] = analytic.get(name)[i];
                        kept++;
                    }
                    checked += kept;
                    GradCheck.assertGradient("shared " + shared + ", alpha " + alpha + ": d/d " + name,
                            java.util.Arrays.copyOf(num, kept), java.util.Arrays.copyOf(got, kept));
                }
                assertThat(coordinates).isEqualTo(shared == 1 ? 1424 : 1280);
                assertThat(coordinates - checked).as("coordinates skipped because the routing flipped (shared %d, alpha %s)",
                        shared, alpha).isLessThanOrEqualTo(MAX_SKIPPED);
            }
        }
    }

    /// How many coordinates the gradient check may skip because the routing flips at `v ± h`.
    static final int MAX_SKIPPED = 24;

    /// The MoE layer written again in `double` from `docs/moe.md`: sigmoid affinities, the
    /// selection bias, group-limited top-k (a group scores its two best selection scores), gate
    /// values `routeScale · s_i / Σ_chosen s`, SwiGLU experts, and the sequence-wise balance loss
    /// `α Σ_i f_i P_i` averaged over sequences. Weights are double copies of the layer's, by name.
    static final class DoubleMoe {
        final java.util.Map<String, double[]> w = new java.util.HashMap<>();
        final double[] bias;              // [E]
        final double[] gate;              // [E, C], the same array as in w
        final double[][][] experts;       // [E][gate, up, down], the same arrays as in w
        final double[][] sharedExpert;    // [gate, up, down], or null
        final String prefix;
        final int shared, b, t;
        final double alpha;

        DoubleMoe(MoeLayer m, double alpha, int b, int t) {
            for (Param p : m.params()) {
                w.put(p.name, GradCheck.toDouble(p.data));
            }
            String g = m.gate.weight.name;
            this.prefix = g.substring(0, g.length() - ".gate.weight".length());
            this.bias = GradCheck.toDouble(m.gate.bias.data);
            this.shared = m.shared == null ? 0 : m.shared.hidden;
            this.gate = w.get(prefix + ".gate.weight");
            this.experts = new double[E][][];
            for (int i = 0; i < E; i++) {
                experts[i] = mlp(prefix + ".experts." + i);
            }
            this.sharedExpert = shared > 0 ? mlp(prefix + ".shared_experts") : null;
            this.alpha = alpha;
            this.b = b;
            this.t = t;
        }

        double[][] mlp(String p) {
            return new double[][] {w.get(p + ".gate_proj.weight"), w.get(p + ".up_proj.weight"), w.get(p + ".down_proj.weight")};
        }

        /// The sorted expert sets of `[N, K]` choices.
        static int[][] sets(int[] experts, int n, int k) {
            int[][] out = new int[n][];
            for (int tok = 0; tok < n; tok++) {
                out[tok] = java.util.Arrays.copyOfRange(experts, tok * k, tok * k + k);
                java.util.Arrays.sort(out[tok]);
            }
            return out;
        }

        double[] affinities(double[] x, int tok) { // [E]
            double[] wg = gate, s = new double[E];
            for (int i = 0; i < E; i++) {
                double z = 0;
                for (int c = 0; c < C; c++) {
                    z += x[tok * C + c] * wg[i * C + c];
                }
                s[i] = 1 / (1 + Math.exp(-z));
            }
            return s;
        }

        /// Each token's top-k set: the best group by the sum of its two best selection scores,
        /// then the K best selection scores inside it (2 groups, keep 1; ties to the lower index).
        int[][] choice(double[] x) {
            int n = b * t, per = E / 2;
            int[][] out = new int[n][];
            for (int tok = 0; tok < n; tok++) {
                double[] s = affinities(x, tok);
                Integer[] order = new Integer[E];
                for (int i = 0; i < E; i++) {
                    order[i] = i;
                }
                double[] sel = new double[E];
                for (int i = 0; i < E; i++) {
                    sel[i] = s[i] + bias[i];
                }
                double[] groupScore = new double[2];
                for (int g = 0; g < 2; g++) {
                    double[] in = java.util.Arrays.copyOfRange(sel, g * per, (g + 1) * per);
                    java.util.Arrays.sort(in);
                    groupScore[g] = in[per - 1] + in[per - 2];
                }
                int keep = groupScore[1] > groupScore[0] ? 1 : 0;
                java.util.Arrays.sort(order, (i, j) -> Double.compare(sel[j], sel[i]) != 0 ? Double.compare(sel[j], sel[i]) : i - j);
                int[] set = new int[K];
                int got = 0;
                for (int i : order) {
                    if (got < K && i / per == keep) {
                        set[got++] = i;
                    }
                }
                java.util.Arrays.sort(set);
                out[tok] = set;
            }
            return out;
        }

        double[] swiglu(double[][] mlp, int width, double[] x, int tok) { // [C]
            double[] wg = mlp[0], wu = mlp[1], wd = mlp[2];
            double[] h = new double[width], y = new double[C];
            for (int f = 0; f < width; f++) {
                double g = 0, u = 0;
                for (int c = 0; c < C; c++) {
                    g += wg[f * C + c] * x[tok * C + c];
                    u += wu[f * C + c] * x[tok * C + c];
                }
                h[f] = g / (1 + Math.exp(-g)) * u;
            }
            for (int c = 0; c < C; c++) {
                for (int f = 0; f < width; f++) {
                    y[c] += wd[c * width + f] * h[f];
                }
            }
            return y;
        }

        /// `Σ dy·y + α Σ f_i P_i` (mean over sequences) with the expert sets held at `choice`.
        double objective(double[] x, double[] dy, int[][] choice) {
            double l = 0;
            double[][] s = new double[b * t][];
            for (int tok = 0; tok < b * t; tok++) {
                s[tok] = affinities(x, tok);
                double[] y = shared > 0 ? swiglu(sharedExpert, shared, x, tok) : new double[C];
                double sum = 0;
                for (int i : choice[tok]) {
                    sum += s[tok][i];
                }
                for (int i : choice[tok]) {
                    double g = 2.5 * s[tok][i] / sum;
                    double[] out = swiglu(experts[i], INNER, x, tok);
                    for (int c = 0; c < C; c++) {
                        y[c] += g * out[c];
                    }
                }
                for (int c = 0; c < C; c++) {
                    l += dy[tok * C + c] * y[c];
                }
            }
            if (alpha > 0) {
                double balance = 0;
                for (int seq = 0; seq < b; seq++) {
                    double[] f = new double[E], p = new double[E];
                    for (int tok = seq * t; tok < (seq + 1) * t; tok++) {
                        double total = java.util.Arrays.stream(s[tok]).sum();
                        for (int i = 0; i < E; i++) {
                            p[i] += s[tok][i] / total / t;
                        }
                        for (int i : choice[tok]) {
                            f[i] += (double) E / (K * t);
                        }
                    }
                    for (int i = 0; i < E; i++) {
                        balance += alpha * f[i] * p[i];
                    }
                }
                l += balance / b;
            }
            return l;
        }
    }

    /// The layer reports the balance loss of its own routing, scaled by the α it was given, and
    /// reports none (0, no gradient array) when α = 0.
    @Test
    void reportsTheBalanceLossOfItsRoutingExactlyWhenAlphaIsPositive() {
        Rng rng = new Rng(21);
        for (double alpha : new double[] {0, 1e-4, 0.37, 2.0}) {
            MoeLayer m = layer(20);
            m.setBalanceLossAlpha(alpha);
            int b = 3, t = 5;
            float[] x = input(b * t, 22 + (long) (rng.nextDouble() * 1000));
            MoeLayer.Saved s = m.forward(x, b, t);
            if (alpha == 0) {
                assertThat(s.balanceLoss()).isZero();
                assertThat(s.dBalanceScores()).isNull();
                continue;
            }
            float[] want = new float[b * t * E];
            double expect = SequenceBalanceLoss.lossAndGradient(s.routing(), b, t, alpha, want);
            assertThat(expect).isPositive();
            assertThat(s.balanceLoss()).as("alpha %s", alpha).isEqualTo(expect);
            assertThat(s.dBalanceScores()).containsExactly(want);
        }
    }

    @Test
    void settingsOutsideTheirRangeAreRejected() {
        assertThatThrownBy(() -> new MoeLayer("l", C, E, 1, 0, K, 2, 1, "sigmoid", true, 1, true, new Rng(1), 0.1))
                .hasMessageContaining("moe_intermediate_size = 0");
        assertThatThrownBy(() -> new MoeLayer("l", C, E, -1, INNER, K, 2, 1, "sigmoid", true, 1, true, new Rng(1), 0.1))
                .hasMessageContaining("n_shared_experts = -1");
        MoeLayer m = new MoeLayer("l", C, E, 0, 1, K, 2, 1, "softmax", true, 1, true, new Rng(1), 0.1); // smallest valid
        assertThat(m.shared).isNull();
        assertThatThrownBy(() -> m.setBalanceLossAlpha(-1e-9)).hasMessageContaining("alpha = -1.0E-9");
        assertThatThrownBy(() -> m.setBalanceLossAlpha(Double.NaN)).hasMessageContaining("alpha = NaN");
        m.setBalanceLossAlpha(0); // 0 = off is allowed
    }

    @Test
    void anExpertWithoutTokensIsNeverRunAndGetsNoGradient() {
        MoeLayer m = layer(7);
        Arrays.fill(m.gate.bias.data, 0f);
        m.gate.bias.data[5] = -100f; // expert 5 can never win
        float[] x = input(6, 8);
        MoeLayer.Saved s = m.forward(x, 1, 6);
        assertThat(s.loads()[5]).isZero();
        assertThat(s.expertSaved()[5]).isNull();
        for (Param p : m.params()) {
            p.zeroGrad();
        }
        m.backward(s, input(6, 9));
        for (Param p : m.experts.get(5).params()) {
            assertThat(p.grad).containsOnly(0f);
        }
    }

    @Test
    void biasUpdateMovesEachExpertTowardTheMeanLoad() {
        MoeLayer m = layer(1);
        Arrays.fill(m.gate.bias.data, 0f);
        m.updateBias(new int[] {5, 3, 4, 4, 6, 2, 4, 4}, 0.001f);
        assertThat(m.gate.bias.data).containsExactly(-0.001f, 0.001f, 0f, 0f, -0.001f, 0.001f, 0f, 0f);
    }

    /// On a skewed stream (a router that prefers a few experts), repeated bias updates bring the
    /// maximum load much closer to the mean.
    @Test
    void biasUpdatesBalanceASkewedStream() {
        MoeLayer m = new MoeLayer("l", C, E, 0, INNER, K, 1, 1, "sigmoid", true, 1.0, true, new Rng(2), 0.3);
        for (int c = 0; c < C; c++) { // experts 0 and 1 look at a direction every token shares
            m.gate.weight.data[c] += 2f;
            m.gate.weight.data[C + c] += 1.5f;
        }
        float[] x = input(256, 3);
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.5f;
        }
        double before = LoadStats.maxViolation(m.forward(x, 1, 256).loads());
        for (int step = 0; step < 300; step++) {
            m.updateBias(m.forward(x, 1, 256).loads(), 0.01f);
        }
        double after = LoadStats.maxViolation(m.forward(x, 1, 256).loads());
        assertThat(before).isGreaterThan(1.0);
        assertThat(after).isLessThan(before / 4);
    }

    /// At perfect balance every f_i = 1 and Σ_i P_i = 1, so Σ f_i P_i = 1 (eq. 17-20).
    @Test
    void balanceLossIsAlphaAtPerfectBalance() {
        int n = 4, e = 4, k = 1;
        float[] scores = new float[n * e];
        Arrays.fill(scores, 0.3f);
        Gate.Routing r = new Gate.Routing(new int[] {0, 1, 2, 3}, new float[] {1, 1, 1, 1}, scores, n);
        double loss = SequenceBalanceLoss.lossAndGradient(r, 1, 4, 0.01, new float[n * e]);
        assertThat(loss).isCloseTo(0.01, within(1e-9));
        // every token on expert 0, whose score is also the largest: f_0 = E = 4, P_0 = 0.9/(0.9 + 3·0.3) = 0.5
        for (int t = 0; t < n; t++) {
            scores[t * e] = 0.9f;
        }
        Gate.Routing skew = new Gate.Routing(new int[] {0, 0, 0, 0}, new float[] {1, 1, 1, 1}, scores, n);
        assertThat(SequenceBalanceLoss.lossAndGradient(skew, 1, 4, 0.01, new float[n * e])).isCloseTo(0.01 * 4 * 0.5, within(1e-8));
        assertThat(k).isEqualTo(1);
    }

    @Test
    void bitIdenticalForOneAndFourThreads() {
        float[][] ys = new float[2][], dxs = new float[2][], gws = new float[2][];
        int[] threads = {1, 4};
        for (int q = 0; q < 2; q++) {
            int qq = q;
            Threads.with(threads[q], () -> {
                MoeLayer m = layer(11);
                m.setBalanceLossAlpha(0.01);
                float[] x = input(32, 12);
                MoeLayer.Saved s = m.forward(x, 4, 8);
                ys[qq] = s.y();
                dxs[qq] = m.backward(s, input(32, 13));
                gws[qq] = m.gate.weight.grad.clone();
                return null;
            });
        }
        assertThat(ys[1]).containsExactly(ys[0]);
        assertThat(dxs[1]).containsExactly(dxs[0]);
        assertThat(gws[1]).containsExactly(gws[0]);
    }

    @Test
    void namesAreTheHuggingFaceOnesAndTheBiasIsABuffer() {
        MoeLayer m = layer(1);
        assertThat(m.params()).extracting(p -> p.name).contains("model.layers.1.mlp.gate.weight",
                "model.layers.1.mlp.experts.7.down_proj.weight", "model.layers.1.mlp.shared_experts.up_proj.weight");
        assertThat(m.params()).extracting(p -> p.name).doesNotContain("model.layers.1.mlp.gate.e_score_correction_bias");
        assertThat(m.buffers()).extracting(p -> p.name).containsExactly("model.layers.1.mlp.gate.e_score_correction_bias");
        assertThatThrownBy(() -> new MoeLayer("l", 4, 8, 1, 4, 2, 1, 1, "relu", true, 1, true, new Rng(1), 0.1))
                .hasMessageContaining("scoring_func = relu");
        FeedForward f = m;
        assertThat(f.forward(input(3, 1), 3).y()).hasSize(3 * C);
        assertThat(SwiGluMlp.class).isNotNull();
    }
}
