package dev.tinyseek.moe;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// The router against an independent reference written here from `docs/moe.md#the-router-step-by-step`, and its rules.
class GateTest {

    record Case(int c, int e, int k, int groups, int keep, float[] x, float[] w, float[] bias, int n,
                boolean normalize, double scale) {
    }

    static Gate gate(Case k) {
        Gate g = new Gate("g", k.c, k.e, k.k, k.groups, k.keep, Gate.Scoring.SIGMOID, k.normalize, k.scale, true, new Rng(1), 0.1);
        System.arraycopy(k.w, 0, g.weight.data, 0, k.w.length);
        System.arraycopy(k.bias, 0, g.bias.data, 0, k.bias.length);
        return g;
    }

    /// Reference: sort-based, in double, written independently of Gate.
    static int[] refChoice(Case k, int t) {
        int per = k.e / k.groups;
        double[] s = new double[k.e], sel = new double[k.e];
        for (int i = 0; i < k.e; i++) {
            double z = 0;
            for (int j = 0; j < k.c; j++) {
                z += (double) k.x[t * k.c + j] * k.w[i * k.c + j];
            }
            s[i] = 1 / (1 + Math.exp(-z));
            sel[i] = s[i] + k.bias[i];
        }
        Integer[] groups = new Integer[k.groups];
        double[] gs = new double[k.groups];
        for (int g = 0; g < k.groups; g++) {
            groups[g] = g;
            double[] in = Arrays.copyOfRange(sel, g * per, (g + 1) * per);
            Arrays.sort(in);
            gs[g] = in[in.length - 1] + (per > 1 ? in[in.length - 2] : 0);
        }
        Arrays.sort(groups, Comparator.comparingDouble((Integer g) -> -gs[g]).thenComparingInt(g -> g));
        Set<Integer> kept = new HashSet<>(Arrays.asList(groups).subList(0, k.keep));
        List<Integer> cand = new ArrayList<>();
        for (int i = 0; i < k.e; i++) {
            if (kept.contains(i / per)) {
                cand.add(i);
            }
        }
        cand.sort(Comparator.comparingDouble((Integer i) -> -sel[i]).thenComparingInt(i -> i));
        return cand.subList(0, k.k).stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void choosesWhatTheReferenceChoosesWithWeightsFromUnbiasedScores() {
        Property.forAll("gate vs reference", g -> {
            int groups = g.oneOf(1, 2, 4);
            int per = g.dim(1, 4);
            int e = groups * per;
            int keep = g.intIn(1, groups);
            int k = g.intIn(1, keep * per);
            int c = g.dim(1, 12), n = g.dim(2, 6);
            float[] bias = g.floats(e, dev.tinyseek.testkit.Gen.Dist.NORMAL);
            return new Case(c, e, k, groups, keep, g.floats(n * c, dev.tinyseek.testkit.Gen.Dist.NORMAL),
                    g.floats(e * c, dev.tinyseek.testkit.Gen.Dist.NORMAL), bias, n, g.bool(), g.doubleIn(0.3, 3.0));
        }, k -> {
            Gate gate = gate(k);
            Gate.Routing r = gate.route(k.x, k.n);
            for (int t = 0; t < k.n; t++) {
                int[] want = refChoice(k, t);
                int[] got = Arrays.copyOfRange(r.experts(), t * k.k, (t + 1) * k.k);
                assertThat(got).as("token %d", t).containsExactly(want);
                double sum = 0;
                for (int j = 0; j < k.k; j++) {
                    sum += r.scores()[t * k.e + got[j]];
                }
                double wsum = 0;
                for (int j = 0; j < k.k; j++) { // unbiased, renormalised when asked, scaled
                    double expect = k.scale * r.scores()[t * k.e + got[j]] / (k.normalize ? sum : 1);
                    assertThat((double) r.weights()[t * k.k + j]).as("token %d slot %d", t, j).isCloseTo(expect, within(1e-5));
                    wsum += r.weights()[t * k.k + j];
                }
                assertThat(wsum).isCloseTo(k.scale * (k.normalize ? 1 : sum), within(1e-5));
            }
        });
    }

    record BackCase(int c, int e, int k, int n, Gate.Scoring scoring, boolean normalize, double scale, float[] x,
                    float[] w, float[] dWeights, float[] dScores, float[] dxBefore, float[] gradBefore) {
    }

    /// The gate values and affinities as functions of `x` and the weight, in double, for the
    /// experts `chosen` (held fixed): `L = Σ dWeights·g + Σ dScores·s`.
    static double gateObjective(BackCase c, int[] chosen, double[] x, double[] w) {
        double l = 0;
        for (int t = 0; t < c.n; t++) {
            double[] z = new double[c.e], s = new double[c.e];
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < c.e; i++) {
                for (int j = 0; j < c.c; j++) {
                    z[i] += x[t * c.c + j] * w[i * c.c + j];
                }
                max = Math.max(max, z[i]);
            }
            double norm = 0;
            for (int i = 0; i < c.e; i++) {
                s[i] = c.scoring == Gate.Scoring.SIGMOID ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i] - max);
                norm += s[i];
            }
            double chosenSum = 0;
            for (int i = 0; i < c.e; i++) {
                if (c.scoring == Gate.Scoring.SOFTMAX) {
                    s[i] /= norm;
                }
                l += (c.dScores == null ? 0 : c.dScores[t * c.e + i]) * s[i];
            }
            for (int j = 0; j < c.k; j++) {
                chosenSum += s[chosen[t * c.k + j]];
            }
            for (int j = 0; j < c.k; j++) {
                double g = c.scale * s[chosen[t * c.k + j]] / (c.normalize ? chosenSum : 1);
                l += c.dWeights[t * c.k + j] * g;
            }
        }
        return l;
    }

    /// Backward against central differences, for both affinity functions, with and without
    /// renormalisation, with and without an extra affinity gradient, on several tokens; the
    /// gradients are added to what `dx` and the weight's gradient already hold.
    @Test
    void backwardMatchesFiniteDifferencesAndAccumulates() {
        Property.forAll("gate backward vs finite differences", g -> {
            int e = g.intIn(2, 6), k = g.intIn(1, e), c = g.dim(1, 5), n = g.dim(2, 5);
            return new BackCase(c, e, k, n, g.bool() ? Gate.Scoring.SIGMOID : Gate.Scoring.SOFTMAX, g.bool(),
                    g.doubleIn(0.3, 3.0), g.normal(n * c, 1.0), g.normal(e * c, 0.7), g.normal(n * k, 1.0),
                    g.bool() ? g.normal(n * e, 1.0) : null, g.normal(n * c, 1.0), g.normal(e * c, 1.0));
        }, c -> {
            Gate gate = new Gate("g", c.c, c.e, c.k, 1, 1, c.scoring, c.normalize, c.scale, false, new Rng(1), 0.1);
            System.arraycopy(c.w, 0, gate.weight.data, 0, c.w.length);
            System.arraycopy(c.gradBefore, 0, gate.weight.grad, 0, c.gradBefore.length);
            Gate.Routing r = gate.route(c.x, c.n);
            float[] dx = c.dxBefore.clone();
            float[] dScores = c.dScores == null ? null : c.dScores.clone();
            gate.backward(dx, r, c.dWeights, dScores, c.x);
            if (c.dScores != null) {
                assertThat(dScores).as("dScores is read, not written").containsExactly(c.dScores);
            }
            double[][] args = {GradCheck.toDouble(c.x), GradCheck.toDouble(c.w)};
            int[] chosen = r.experts();
            float[] addedX = new float[dx.length], addedW = new float[c.w.length];
            for (int i = 0; i < dx.length; i++) {
                addedX[i] = dx[i] - c.dxBefore[i];
            }
            for (int i = 0; i < addedW.length; i++) {
                addedW[i] = gate.weight.grad[i] - c.gradBefore[i];
            }
            GradCheck.assertClose("dx", GradCheck.numeric(a -> gateObjective(c, chosen, a[0], a[1]), args, 0), addedX, 1e-3, 1e-4);
            GradCheck.assertClose("dW", GradCheck.numeric(a -> gateObjective(c, chosen, a[0], a[1]), args, 1), addedW, 1e-3, 1e-4);
        });
    }

    /// Every setting at the edge of its valid range builds; one step past it is rejected.
    @Test
    void routingSettingsAreCheckedAtTheirBoundaries() {
        Rng r = new Rng(1);
        // valid edges: K = E, one group, groups = E, topk_group = n_group, K = topk_group × per group
        new Gate("g", 2, 4, 4, 1, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1);
        new Gate("g", 2, 4, 1, 4, 4, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1);
        new Gate("g", 2, 4, 2, 2, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1);
        new Gate("g", 2, 1, 1, 1, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1);
        assertThatThrownBy(() -> new Gate("g", 2, 4, 0, 1, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("num_experts_per_tok = 0");
        assertThatThrownBy(() -> new Gate("g", 2, 4, 5, 1, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("num_experts_per_tok = 5");
        assertThatThrownBy(() -> new Gate("g", 2, 0, 1, 1, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("n_routed_experts = 0");
        assertThatThrownBy(() -> new Gate("g", 2, 4, 1, 0, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("n_group = 0");
        assertThatThrownBy(() -> new Gate("g", 2, 4, 1, 2, 0, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("topk_group = 0");
        assertThatThrownBy(() -> new Gate("g", 2, 4, 1, 2, 3, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("topk_group = 3");
        assertThatThrownBy(() -> new Gate("g", 2, 4, 3, 2, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("num_experts_per_tok = 3");
    }

    /// Ties go to the lower index, for groups and for experts alike.
    @Test
    void tiesGoToTheLowerIndex() {
        // four experts in two groups, every affinity equal (zero weight): groups tie, experts tie
        Gate g = new Gate("g", 1, 4, 2, 2, 1, Gate.Scoring.SIGMOID, true, 1.0, true, new Rng(1), 0.0);
        Gate.Routing r = g.route(new float[] {0.7f, -0.2f}, 2);
        assertThat(r.experts()).containsExactly(0, 1, 0, 1);
        // without groups, a tie between experts 1 and 3 above the rest: 1 first
        Gate flat = new Gate("g", 1, 4, 1, 1, 1, Gate.Scoring.SIGMOID, true, 1.0, true, new Rng(1), 0.0);
        flat.bias.data[1] = 0.5f;
        flat.bias.data[3] = 0.5f;
        assertThat(flat.route(new float[] {0.3f}, 1).experts()).containsExactly(1);
    }

    /// With negative selection scores, masking excluded groups with 0 instead of −∞ would let an
    /// expert of an excluded group win (`docs/moe.md#pitfalls`).
    @Test
    void excludedGroupsAreMaskedWithMinusInfinity() {
        Gate g = new Gate("g", 1, 4, 1, 2, 1, Gate.Scoring.SIGMOID, true, 1.0, true, new Rng(1), 0.0);
        g.bias.data[0] = g.bias.data[1] = -2f;  // kept group: selection ≈ -1.5
        g.bias.data[2] = g.bias.data[3] = -3f;  // excluded group: selection ≈ -2.5 (a 0 mask would beat -1.5)
        Gate.Routing r = g.route(new float[] {0.3f}, 1);
        assertThat(r.experts()[0]).isIn(0, 1);
    }

    /// With a bias, a group scores the sum of its two best; without, its best (`docs/moe.md#the-router-step-by-step`).
    @Test
    void groupScoreIsTopTwoSumWithBiasAndMaxWithout() {
        float[] w = {0, 0, 0, 0}; // all logits 0: affinities 0.5; the bias decides
        Gate with = new Gate("g", 1, 4, 1, 2, 1, Gate.Scoring.SIGMOID, true, 1.0, true, new Rng(1), 0.0);
        System.arraycopy(w, 0, with.weight.data, 0, 4);
        float[] b = {0.4f, -0.4f, 0.2f, 0.2f}; // group 0: max 0.9, sum 1.0+0.1; group 1: max 0.7, sum 1.4
        System.arraycopy(b, 0, with.bias.data, 0, 4);
        assertThat(with.route(new float[] {1f}, 1).experts()[0]).isIn(2, 3);
        // without a bias (softmax, V2 style) the max decides: give group 0 the single best logit
        Gate without = new Gate("g", 1, 4, 1, 2, 1, Gate.Scoring.SOFTMAX, false, 1.0, false, new Rng(1), 0.0);
        float[] w2 = {0.9f, -0.9f, 0.6f, 0.6f};
        System.arraycopy(w2, 0, without.weight.data, 0, 4);
        Gate.Routing r = without.route(new float[] {1f}, 1);
        assertThat(r.experts()[0]).isEqualTo(0);
        // softmax weights are not renormalised (V2): the chosen probability itself
        double z = Math.exp(0.9) + Math.exp(-0.9) + 2 * Math.exp(0.6);
        assertThat((double) r.weights()[0]).isCloseTo(Math.exp(0.9) / z, within(1e-6));
    }

    @Test
    void theBiasChangesTheChoiceButNotTheWeightsOfAChoice() {
        Gate g = new Gate("g", 3, 6, 2, 1, 1, Gate.Scoring.SIGMOID, true, 2.5, true, new Rng(4), 0.5);
        float[] x = {0.2f, -0.7f, 1.1f};
        Gate.Routing before = g.route(x, 1);
        int loser = -1;
        for (int i = 0; i < 6; i++) {
            if (i != before.experts()[0] && i != before.experts()[1]) {
                loser = i;
                break;
            }
        }
        g.bias.data[loser] = 10f; // now it must be chosen, first
        Gate.Routing after = g.route(x, 1);
        assertThat(after.experts()[0]).isEqualTo(loser);
        double s0 = after.scores()[after.experts()[0]], s1 = after.scores()[after.experts()[1]];
        assertThat((double) after.weights()[0]).isCloseTo(2.5 * s0 / (s0 + s1), within(1e-6));
        assertThat(after.scores()).containsExactly(before.scores()); // affinities ignore the bias
    }

    @Test
    void badRoutingSettingsNameTheKey() {
        Rng r = new Rng(1);
        assertThatThrownBy(() -> new Gate("g", 4, 8, 9, 1, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("num_experts_per_tok = 9");
        assertThatThrownBy(() -> new Gate("g", 4, 8, 2, 3, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("n_group = 3");
        assertThatThrownBy(() -> new Gate("g", 4, 8, 2, 2, 3, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("topk_group = 3");
        assertThatThrownBy(() -> new Gate("g", 4, 8, 5, 2, 1, Gate.Scoring.SIGMOID, true, 1, true, r, 0.1))
                .hasMessageContaining("topk_group × experts per group = 4");
    }
}
