package dev.tinyseek.rl;

import dev.tinyseek.rl.Advantages.Scale;
import dev.tinyseek.rl.GrpoLoss.Normalization;
import dev.tinyseek.rl.GrpoLoss.Options;
import dev.tinyseek.rl.GrpoLoss.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/// Worked GRPO values (`docs/grpo-r1.md`), computed by hand (each derivation in the comment) and
/// checked through the public API `GrpoLoss.fromRewards`/`compute`, `Advantages.compute`, `K3`.
class GrpoSpecExamplesTest {

    /// a = 0.5 / (√0.5 + 1e-4): the advantage magnitude of a G = 2 group with rewards {0, 1}
    /// under the sample std (docs/grpo-r1.md#advantages: population would give ±1).
    static final double A2 = 0.70700679532668;

    @Test
    void advantagesOfTheSpecsGroups() {
        // G = 2, {0, 1}: mean 0.5, sample std √0.5
        assertThat(Advantages.compute(new double[] {0, 1}, 2, Scale.GROUP))
                .containsExactly(new double[] {-A2, A2}, within(1e-13));
        // TinyZero's reward levels {1, 0.1, 0, 0}: mean 0.275, Σ(r − mean)² = 0.7075, sample std √(0.7075/3) = 0.485626743
        double std = Math.sqrt(0.7075 / 3) + 1e-4;
        assertThat(Advantages.compute(new double[] {1, 0.1, 0, 0}, 4, Scale.GROUP))
                .containsExactly(new double[] {0.725 / std, -0.175 / std, -0.275 / std, -0.275 / std}, within(1e-13));
        assertThat(0.725 / std).isCloseTo(1.49260878, within(1e-8));
        // Dr. GRPO: r − mean, no std
        assertThat(Advantages.compute(new double[] {1, 0.1, 0, 0}, 4, Scale.NONE))
                .containsExactly(new double[] {0.725, -0.175, -0.275, -0.275}, within(1e-15));
        // batch std (TRL "batch"): group means, one sample std over [0, 1, 0, 0] = 0.5
        assertThat(Advantages.compute(new double[] {0, 1, 0, 0}, 2, Scale.BATCH))
                .containsExactly(new double[] {-0.5 / 0.5001, 0.5 / 0.5001, 0, 0}, within(1e-15));
    }

    @Test
    void lossValuesAtRatioOneWithoutKl() {
        // docs/grpo-r1.md#loss-normalisations: G = 2, rewards {0, 1} -> A = (−a, +a); lengths 3 and 1, padded to 3, ρ = 1, β = 0
        double[] lp = new double[6];
        boolean[] m = GrpoLoss.maskFromLengths(new int[] {3, 1}, 3);
        double[] r = {0, 1};
        // grpo: −mean_i A_i = 0
        Result grpo = GrpoLoss.fromRewards(lp, lp, null, r, 2, Scale.GROUP, m, 2, 3, Options.defaults());
        assertThat(grpo.loss()).isCloseTo(0, within(1e-15));
        // dapo: −Σ|o_i| A_i / Σ|o_i| = −(3·(−a) + 1·a)/4 = a/2
        Result dapo = GrpoLoss.fromRewards(lp, lp, null, r, 2, Scale.GROUP, m, 2, 3, Options.defaults().with(Normalization.DAPO));
        assertThat(dapo.loss()).isCloseTo(A2 / 2, within(1e-13));
        // dr_grpo, L_max = 3: −Σ|o_i| A_i / (B·L_max) = 2a/6 = a/3; with L_max = 10: 2a/20
        Result dr = GrpoLoss.fromRewards(lp, lp, null, r, 2, Scale.GROUP, m, 2, 3, Options.defaults().with(Normalization.DR_GRPO));
        assertThat(dr.loss()).isCloseTo(A2 / 3, within(1e-13));
        Result dr10 = GrpoLoss.fromRewards(lp, lp, null, r, 2, Scale.GROUP, m, 2, 3,
                new Options(0.2, 0.2, 0, Normalization.DR_GRPO, 10));
        assertThat(dr10.loss()).isCloseTo(A2 / 10, within(1e-13));
        // the returned gradient is of the loss to minimise (−J): a positive advantage pushes logp up
        assertThat(grpo.grad()).containsExactly(new double[] {A2 / 6, A2 / 6, A2 / 6, -A2 / 2, 0, 0}, within(1e-13));
    }

    @Test
    void deepSeekMathGradientCoefficientWithK3() {
        // DeepSeekMath App. A.1.6 (docs/grpo-r1.md#the-kl-term-k3): at ρ = 1 the gradient coefficient of logπ(o_i,t)
        // in J is (1/G)(1/|o_i|)(A_i + β(π_ref/π − 1)); the loss is −J.
        // G = 2, rewards {1, 0} -> A = (+a, −a); lengths 2 and 1 padded to 2; π = 0.5, π_ref = 0.25
        // everywhere: x = 0.5, k3 = x − log x − 1 = ln 2 − 0.5; β = 0.04.
        double beta = 0.04, k3 = Math.log(2) - 0.5;
        double[] lp = new double[4], ref = new double[4];
        java.util.Arrays.fill(lp, Math.log(0.5));
        java.util.Arrays.fill(ref, Math.log(0.25));
        boolean[] m = GrpoLoss.maskFromLengths(new int[] {2, 1}, 2);
        Result r = GrpoLoss.fromRewards(lp, lp, ref, new double[] {1, 0}, 2, Scale.GROUP, m, 2, 2,
                Options.defaults().withBeta(beta));
        assertThat(K3.value(Math.log(0.5), Math.log(0.25))).isCloseTo(0.19314718055995, within(1e-14));
        // loss = ½[½·2(−a + βk3) + (a + βk3)] = βk3: the policy part cancels, the KL does not
        assertThat(r.loss()).isCloseTo(beta * k3, within(1e-15));
        assertThat(r.policyLoss()).isCloseTo(0, within(1e-15));
        assertThat(r.kl()).isCloseTo(k3, within(1e-15));
        // ∂loss/∂logp = −(1/(G|o_i|))(A_i + β(x − 1)), x − 1 = −0.5
        assertThat(r.grad()).containsExactly(new double[] {
                -(A2 - 0.02) / 4, -(A2 - 0.02) / 4,
                -(-A2 - 0.02) / 2, 0}, within(1e-13));
        // dapo: (1/3)[2(−a + βk3) + (a + βk3)] = −a/3 + βk3
        Result d = GrpoLoss.fromRewards(lp, lp, ref, new double[] {1, 0}, 2, Scale.GROUP, m, 2, 2,
                Options.defaults().withBeta(beta).with(Normalization.DAPO));
        assertThat(d.loss()).isCloseTo(-A2 / 3 + beta * k3, within(1e-13));
    }

    @Test
    void clipHigherLetsARareTokenGrowFurther() {
        // DAPO §3.1: with ε = 0.2 a token at π_old = 0.01 may only reach 0.012 before its
        // gradient (A > 0) stops; with ε_high = 0.28, 0.0128. Token at 0.0125: ratio 1.25.
        double[] old = {Math.log(0.01)}, lp = {Math.log(0.0125)};
        boolean[] m = {true};
        double[] pos = {1};
        Result sym = GrpoLoss.compute(lp, old, null, pos, m, 1, 1, Options.defaults());
        assertThat(sym.grad()[0]).isZero();
        assertThat(sym.clipHigh()).isEqualTo(1.0);
        assertThat(sym.loss()).isCloseTo(-1.2, within(1e-15)); // −min(1.25, 1.2)·1
        Result high = GrpoLoss.compute(lp, old, null, pos, m, 1, 1, Options.defaults().withEps(0.2, 0.28));
        assertThat(high.grad()[0]).isCloseTo(-1.25, within(1e-13));
        assertThat(high.loss()).isCloseTo(-1.25, within(1e-13));
        // a likely token, π_old = 0.9 -> 0.95 (ratio 1.0556 < 1.2): not clipped
        Result likely = GrpoLoss.compute(new double[] {Math.log(0.95)}, new double[] {Math.log(0.9)}, null, pos, m, 1, 1,
                Options.defaults());
        assertThat(likely.grad()[0]).isCloseTo(-0.95 / 0.9, within(1e-13));
        // A < 0 (docs/grpo-r1.md#the-objective): the term is A·max(ρ, 1 − ε_low); ρ = 0.7 < 0.8 is clipped low, ρ = 1.25 is not
        double[] neg = {-1};
        Result low = GrpoLoss.compute(new double[] {Math.log(0.7)}, new double[] {0}, null, neg, m, 1, 1,
                Options.defaults().withEps(0.2, 0.28));
        assertThat(low.grad()[0]).isZero();
        assertThat(low.loss()).isCloseTo(0.8, within(1e-15));
        assertThat(low.clipLow()).isEqualTo(1.0);
        Result up = GrpoLoss.compute(lp, old, null, neg, m, 1, 1, Options.defaults());
        assertThat(up.grad()[0]).isCloseTo(1.25, within(1e-13));
        assertThat(up.loss()).isCloseTo(1.25, within(1e-13));
    }

    @Test
    void processSupervisionAdvantages() {
        // docs/grpo-r1.md#process-supervision (DeepSeekMath §4.1.3): G = 2, L = 4. Completion 0: steps end at tokens 1 and 3
        // with rewards 1 and 0; completion 1: one step ending at token 2, reward 0. Pooled
        // R = {1, 0, 0}: mean 1/3, sample std √(1/3); d = √(1/3) + 1e-4.
        // r̃ = (2/3)/d, (−1/3)/d for completion 0 and (−1/3)/d for completion 1.
        // A_0,t: t ≤ 1 both steps (1/3)/d; t = 2, 3 only the second, (−1/3)/d.
        // A_1,t: t ≤ 2 (−1/3)/d; t = 3, after the last step: 0.
        double d = Math.sqrt(1.0 / 3) + 1e-4, q = 1.0 / 3 / d;
        double[][] r = {{1, 0}, {0}, {0.1, 0.1}, {0.1}};
        int[][] ends = {{1, 3}, {2}, {0, 3}, {1}};
        double[] a = Advantages.process(r, ends, 2, 4, Scale.GROUP);
        assertThat(a).containsExactly(new double[] {
                q, q, -q, -q,
                -q, -q, -q, 0,
                0, 0, 0, 0, 0, 0, 0, 0}, within(1e-13)); // the second group's step rewards are all 0.1: exactly 0
        assertThat(java.util.Arrays.copyOfRange(a, 8, 16)).containsOnly(0.0);
        // mean only (Dr. GRPO-style): 1/3 and −1/3
        double[] none = Advantages.process(r, ends, 2, 4, Scale.NONE);
        assertThat(java.util.Arrays.copyOfRange(none, 0, 8))
                .containsExactly(new double[] {1.0 / 3, 1.0 / 3, -1.0 / 3, -1.0 / 3, -1.0 / 3, -1.0 / 3, -1.0 / 3, 0}, within(1e-15));
        // with one step per completion at its last token, process = outcome advantages on every token
        double[] oc = Advantages.process(new double[][] {{0}, {1}}, new int[][] {{2}, {2}}, 2, 3, Scale.GROUP);
        assertThat(oc).containsExactly(new double[] {-A2, -A2, -A2, A2, A2, A2}, within(1e-13));
    }

    @Test
    void perTokenAdvantagesGoThroughTheLoss() {
        // computeTokens with each row's advantage repeated is compute, bit for bit
        double[] lp = {-0.3, -1.2, -0.7, -2.0, -0.1, -0.9};
        double[] old = {-0.2, -1.5, -0.1, -2.0, -0.4, -0.9};
        boolean[] m = GrpoLoss.maskFromLengths(new int[] {3, 2}, 3);
        Options o = Options.defaults().withEps(0.2, 0.28);
        Result byRow = GrpoLoss.compute(lp, old, null, new double[] {0.8, -0.8}, m, 2, 3, o);
        Result byToken = GrpoLoss.computeTokens(lp, old, null, new double[] {0.8, 0.8, 0.8, -0.8, -0.8, -0.8}, m, 2, 3, o);
        assertThat(byToken.loss()).isEqualTo(byRow.loss());
        assertThat(byToken.grad()).containsExactly(byRow.grad());
        // mixed signs in one completion: token 0 A = +1 with ρ = 1.5 (clipped high), token 1 A = −1 with
        // ρ = 0.5 (clipped low), token 2 A = +2 with ρ = 1; grpo weight 1/3
        double[] lp2 = {Math.log(1.5), Math.log(0.5), 0}, z = new double[3];
        Result mixed = GrpoLoss.computeTokens(lp2, z, null, new double[] {1, -1, 2}, new boolean[] {true, true, true}, 1, 3, o);
        assertThat(mixed.grad()).containsExactly(new double[] {0, 0, -2.0 / 3}, within(1e-15));
        assertThat(mixed.loss()).isCloseTo((-1.28 + 0.8 - 2) / 3, within(1e-15));
    }
}
