package dev.tinyseek.moe;

import dev.tinyseek.nn.FeedForward;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.SwiGluMlp;
import dev.tinyseek.tensor.Rng;
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

    /// Backward against central differences of Σ dy·y (+ the balance loss), with the expert
    /// choice held fixed: a coordinate whose nudge changes the choice is skipped.
    @Test
    void backwardMatchesFiniteDifferencesWithTheChoiceFixed() {
        for (double alpha : new double[] {0, 0.5}) {
            MoeLayer m = layer(3);
            m.setBalanceLossAlpha(alpha);
            int b = 2, t = 4, n = b * t;
            float[] x = input(n, 4);
            float[] dy = input(n, 5);
            MoeLayer.Saved s = m.forward(x, b, t);
            for (Param p : m.params()) {
                p.zeroGrad();
            }
            float[] dx = m.backward(s, dy);
            int[] choice = s.routing().experts().clone();
            Rng r = new Rng(6);
            java.util.List<float[]> targets = new java.util.ArrayList<>();
            java.util.List<float[]> grads = new java.util.ArrayList<>();
            java.util.List<String> names = new java.util.ArrayList<>();
            targets.add(x);
            grads.add(dx);
            names.add("x");
            for (Param p : m.params()) {
                targets.add(p.data);
                grads.add(p.grad);
                names.add(p.name);
            }
            for (int q = 0; q < targets.size(); q++) {
                float[] v = targets.get(q), g = grads.get(q);
                for (int trial = 0; trial < 4; trial++) {
                    int i = r.nextInt(v.length);
                    float orig = v[i], h = 1e-3f;
                    v[i] = orig + h;
                    MoeLayer.Saved sp = m.forward(x, b, t);
                    v[i] = orig - h;
                    MoeLayer.Saved sm = m.forward(x, b, t);
                    v[i] = orig;
                    if (!Arrays.equals(sp.routing().experts(), choice) || !Arrays.equals(sm.routing().experts(), choice)) {
                        continue;
                    }
                    double fd = (objective(sp, dy) - objective(sm, dy)) / (2 * h);
                    double scale = Math.max(1e-2, Math.max(Math.abs(fd), Math.abs(g[i])));
                    assertThat(Math.abs(fd - g[i]) / scale).as("alpha %s: d/d %s[%d]: backward %s, finite difference %s",
                            alpha, names.get(q), i, g[i], fd).isLessThan(0.02);
                }
            }
        }
    }

    /// `dx` on every coordinate of a batch, with and without shared experts (central differences,
    /// the expert choice held fixed).
    @Test
    void inputGradientMatchesFiniteDifferencesOnEveryCoordinate() {
        for (int shared : new int[] {0, 1}) {
            MoeLayer m = new MoeLayer("l", C, E, shared, INNER, K, 2, 1, "sigmoid", true, 2.5, true, new Rng(30), 0.3);
            m.setBalanceLossAlpha(0.3);
            int b = 2, t = 3, n = b * t;
            float[] x = input(n, 31), dy = input(n, 32);
            MoeLayer.Saved s = m.forward(x, b, t);
            float[] dx = m.backward(s, dy);
            int[] choice = s.routing().experts().clone();
            int checked = 0;
            for (int i = 0; i < x.length; i++) {
                float orig = x[i], h = 1e-3f;
                x[i] = orig + h;
                MoeLayer.Saved sp = m.forward(x, b, t);
                x[i] = orig - h;
                MoeLayer.Saved sm = m.forward(x, b, t);
                x[i] = orig;
                if (!Arrays.equals(sp.routing().experts(), choice) || !Arrays.equals(sm.routing().experts(), choice)) {
                    continue;
                }
                checked++;
                double fd = (objective(sp, dy) - objective(sm, dy)) / (2 * h);
                double scale = Math.max(1e-2, Math.max(Math.abs(fd), Math.abs(dx[i])));
                assertThat(Math.abs(fd - dx[i]) / scale).as("shared %d: dx[%d]: backward %s, finite difference %s", shared, i, dx[i], fd)
                        .isLessThan(0.02);
            }
            assertThat(checked).isGreaterThan(x.length / 2);
            assertThat(m.linears()).hasSize(3 * (E + shared));
        }
    }

    static double objective(MoeLayer.Saved s, float[] dy) {
        double o = s.balanceLoss();
        for (int i = 0; i < dy.length; i++) {
            o += (double) dy[i] * s.y()[i];
        }
        return o;
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
