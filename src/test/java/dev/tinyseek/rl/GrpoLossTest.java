package dev.tinyseek.rl;

import dev.tinyseek.rl.Advantages.Scale;
import dev.tinyseek.rl.GrpoLoss.Normalization;
import dev.tinyseek.rl.GrpoLoss.Options;
import dev.tinyseek.rl.GrpoLoss.Result;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// The GRPO loss and its gradient: the properties of `docs/grpo-r1.md#tests`.
class GrpoLossTest {

    /// A batch of `groups` groups of `g` completions padded to `l` tokens.
    record Batch(double[] logp, double[] old, double[] ref, double[] rewards, int[] lengths, int g, int b, int l) {
        boolean[] mask() {
            return GrpoLoss.maskFromLengths(lengths, l);
        }
    }

    /// `stale`: old log-probs differ from current (ρ ≠ 1), by up to ±0.4 in log space.
    static Batch batch(Gen gen, boolean stale) {
        int g = gen.intIn(2, 8), groups = gen.intIn(1, 3), l = gen.intIn(1, 7), b = g * groups;
        double[] logp = new double[b * l], old = new double[b * l], ref = new double[b * l];
        int[] len = new int[b];
        double[] r = new double[b];
        for (int i = 0; i < b; i++) {
            len[i] = gen.intIn(1, l);
            r[i] = gen.bool() ? gen.oneOf(0.0, 0.1, 1.0) : gen.doubleIn(-1, 2);
        }
        for (int k = 0; k < b * l; k++) {
            logp[k] = gen.doubleIn(-4, -0.01);
            old[k] = stale ? logp[k] + gen.doubleIn(-0.4, 0.4) : logp[k];
            ref[k] = logp[k] + gen.doubleIn(-1, 1);
        }
        return new Batch(logp, old, ref, r, len, g, b, l);
    }

    static Options randomOptions(Gen gen) {
        return new Options(gen.oneOf(0.1, 0.2), gen.oneOf(0.2, 0.28), gen.oneOf(0.0, 0.04, 0.5),
                gen.oneOf(Normalization.values()), gen.oneOf(0, 9));
    }

    static Result run(Batch c, Scale s, Options o) {
        return GrpoLoss.fromRewards(c.logp(), c.old(), c.ref(), c.rewards(), c.g(), s, c.mask(), c.b(), c.l(), o);
    }

    // ---- 7, 8: the first inner step --------------------------------------------------------

    @Test
    void firstInnerStepIsReinforceWithAGroupBaseline() {
        Property.forAll(5, "old = current: rho = 1, nothing clipped, gradient -w A", g -> batch(g, false), c -> {
            double[] adv = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            for (Normalization n : Normalization.values()) {
                Options o = Options.defaults().with(n).withEps(0.2, 0.28);
                Result r = GrpoLoss.compute(c.logp(), c.old(), null, adv, c.mask(), c.b(), c.l(), o);
                assertThat(r.clipLow()).isZero();
                assertThat(r.clipHigh()).isZero();
                boolean[] m = c.mask();
                int total = Arrays.stream(c.lengths()).sum();
                for (int k = 0; k < m.length; k++) {
                    int i = k / c.l();
                    double w = switch (n) {
                        case GRPO -> 1.0 / (c.b() * (double) c.lengths()[i]);
                        case DAPO, BNPO -> 1.0 / total;
                        case DR_GRPO -> 1.0 / (c.b() * (double) c.l());
                    };
                    assertThat(r.grad()[k]).isEqualTo(m[k] ? -w * adv[i] : 0.0);
                }
            }
        });
    }

    @Test
    void lossValueAtRatioOneWithoutKl() {
        Property.forAll(5, "grpo value = -mean A = 0; dapo value = -sum |o|A / sum |o|", g -> batch(g, false), c -> {
            double[] adv = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            Result grpo = GrpoLoss.compute(c.logp(), c.old(), null, adv, c.mask(), c.b(), c.l(), Options.defaults());
            assertThat(grpo.loss()).isCloseTo(0, within(1e-12));
            double num = 0, den = 0;
            for (int i = 0; i < c.b(); i++) {
                num += c.lengths()[i] * adv[i];
                den += c.lengths()[i];
            }
            Result dapo = GrpoLoss.compute(c.logp(), c.old(), null, adv, c.mask(), c.b(), c.l(), Options.defaults().with(Normalization.DAPO));
            assertThat(dapo.loss()).isCloseTo(-num / den, within(1e-12));
        });
    }

    // ---- 9: the clip gates the gradient ----------------------------------------------------

    @Test
    void clippedTokensGetExactlyZeroGradient() {
        Property.forAll(5, "clip gates the gradient", g -> batch(g, true), c -> {
            double[] adv = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            for (double[] eps : new double[][] {{0.2, 0.28}, {0.2, 0.2}, {0.1, 0.1}}) {
                Options o = Options.defaults().withEps(eps[0], eps[1]).with(Normalization.DAPO);
                Result r = GrpoLoss.compute(c.logp(), c.old(), null, adv, c.mask(), c.b(), c.l(), o);
                boolean[] m = c.mask();
                int total = Arrays.stream(c.lengths()).sum(), low = 0, high = 0;
                for (int k = 0; k < m.length; k++) {
                    if (!m[k]) {
                        assertThat(r.grad()[k]).isZero();
                        continue;
                    }
                    double a = adv[k / c.l()], rho = Math.exp(c.logp()[k] - c.old()[k]);
                    boolean clipped = (a > 0 && rho > 1 + eps[1]) || (a < 0 && rho < 1 - eps[0]);
                    low += a < 0 && rho < 1 - eps[0] ? 1 : 0;
                    high += a > 0 && rho > 1 + eps[1] ? 1 : 0;
                    if (clipped) {
                        assertThat(r.grad()[k]).isEqualTo(0.0);
                    } else {
                        assertThat(r.grad()[k]).isCloseTo(-a * rho / total, within(1e-15 * Math.abs(a * rho / total)));
                    }
                }
                assertThat(r.clipLow()).isEqualTo((double) low / total);
                assertThat(r.clipHigh()).isEqualTo((double) high / total);
            }
        });
    }

    @Test
    void handMadeClipCases() {
        // one completion of 4 tokens, A = +1 and A = -1; ratios 1.5, 1.1, 0.9, 0.5 (eps 0.2 / 0.28)
        double[] old = {0, 0, 0, 0};
        double[] logp = {Math.log(1.5), Math.log(1.1), Math.log(0.9), Math.log(0.5)};
        boolean[] m = {true, true, true, true};
        Options o = Options.defaults().withEps(0.2, 0.28);
        Result up = GrpoLoss.compute(logp, old, null, new double[] {1}, m, 1, 4, o);
        assertThat(up.grad()).containsExactly(new double[] {0, -1.1 / 4, -0.9 / 4, -0.5 / 4}, within(1e-15));
        assertThat(up.loss()).isCloseTo(-(1.28 + 1.1 + 0.9 + 0.5) / 4, within(1e-15));
        Result down = GrpoLoss.compute(logp, old, null, new double[] {-1}, m, 1, 4, o);
        assertThat(down.grad()).containsExactly(new double[] {1.5 / 4, 1.1 / 4, 0.9 / 4, 0}, within(1e-15));
        assertThat(down.loss()).isCloseTo((1.5 + 1.1 + 0.9 + 0.8) / 4, within(1e-15));
        assertThat(up.clipHigh()).isEqualTo(0.25);
        assertThat(down.clipLow()).isEqualTo(0.25);
    }

    // ---- 10-13: k3 -------------------------------------------------------------------------

    @Test
    void k3IsNonNegativeZeroOnlyWhenEqualAndItsDerivativeMatchesFiniteDifferences() {
        Property.forAll(10, "k3 >= 0, = 0 iff equal; dk3/dlogp", g -> new double[] {g.doubleIn(-15, 0), g.doubleIn(-15, 0)}, x -> {
            assertThat(K3.value(x[0], x[1])).isGreaterThanOrEqualTo(0);
            assertThat(K3.value(x[0], x[0])).isZero();
            if (x[0] != x[1]) {
                assertThat(K3.value(x[0], x[1])).isPositive();
            }
            double h = 1e-6;
            double fd = (K3.value(x[0] + h, x[1]) - K3.value(x[0] - h, x[1])) / (2 * h);
            assertThat(K3.gradient(x[0], x[1])).isCloseTo(fd, within(1e-5 * (1 + Math.abs(fd))));
        });
    }

    @Test
    void k3IsUnbiasedForReverseKlButItsGradientIsTheForwardKlGradient() {
        Property.forAll(5, "E_pi[k3] = KL(pi||ref); E_pi[dk3/dz] = grad KL(ref||pi)", g -> {
            int v = g.intIn(2, 8);
            double[] z = new double[v], zr = new double[v];
            for (int j = 0; j < v; j++) {
                z[j] = 2 * g.gaussian();
                zr[j] = 2 * g.gaussian();
            }
            return new double[][] {z, zr};
        }, c -> {
            double[] pi = softmax(c[0]), ref = softmax(c[1]);
            int v = pi.length;
            double e = 0, kl = 0;
            for (int x = 0; x < v; x++) {
                e += pi[x] * K3.value(Math.log(pi[x]), Math.log(ref[x]));
                kl += pi[x] * Math.log(pi[x] / ref[x]);
            }
            assertThat(e).isCloseTo(kl, within(1e-12 * (1 + kl) + 1e-13));
            // exact expectation of the back-propagated k3 gradient w.r.t. the logits z:
            // sum_x pi(x) (dk3/dlogp)(x) (e_x - pi)
            double[] grad = new double[v];
            for (int x = 0; x < v; x++) {
                double gx = pi[x] * K3.gradient(Math.log(pi[x]), Math.log(ref[x]));
                for (int j = 0; j < v; j++) {
                    grad[j] += gx * ((j == x ? 1 : 0) - pi[j]);
                }
            }
            double[] forward = GradCheck.numeric(z -> klDiv(ref, softmax(z)), c[0].clone());
            double[] reverse = GradCheck.numeric(z -> klDiv(softmax(z), ref), c[0].clone());
            double diff = 0;
            for (int j = 0; j < v; j++) {
                assertThat(grad[j]).isCloseTo(forward[j], within(1e-7));
                diff = Math.max(diff, Math.abs(grad[j] - reverse[j]));
            }
            if (klDiv(pi, ref) > 1e-2) {
                assertThat(diff).as("the k3 gradient is not the reverse-KL gradient").isGreaterThan(1e-6);
            }
        });
    }

    @Test
    void referenceResetGivesZeroKlAndThePolicyGradientAlone() {
        Property.forAll(5, "ref = current: KL 0, gradient = policy gradient", g -> batch(g, true), c -> {
            Options o = Options.defaults().withBeta(0.3).with(Normalization.DAPO);
            Result withRef = GrpoLoss.fromRewards(c.logp(), c.old(), c.logp().clone(), c.rewards(), c.g(), Scale.GROUP, c.mask(), c.b(), c.l(), o);
            Result none = GrpoLoss.fromRewards(c.logp(), c.old(), null, c.rewards(), c.g(), Scale.GROUP, c.mask(), c.b(), c.l(), o.withBeta(0));
            assertThat(withRef.kl()).isZero();
            assertThat(withRef.grad()).containsExactly(none.grad());
            assertThat(withRef.loss()).isEqualTo(none.loss());
        });
    }

    // ---- 14: zero signal -------------------------------------------------------------------

    @Test
    void equalRewardsGiveZeroGradientWithoutKlAndTheKlGradientWithIt() {
        Property.forAll(5, "all rewards equal", g -> batch(g, true), c -> {
            double[] r = new double[c.b()];
            Arrays.fill(r, 0.1);
            for (Normalization n : Normalization.values()) {
                Options o = Options.defaults().with(n);
                Result z = GrpoLoss.fromRewards(c.logp(), c.old(), null, r, c.g(), Scale.GROUP, c.mask(), c.b(), c.l(), o);
                assertThat(z.grad()).containsOnly(0.0);
                Result k = GrpoLoss.fromRewards(c.logp(), c.old(), c.ref(), r, c.g(), Scale.GROUP, c.mask(), c.b(), c.l(), o.withBeta(0.5));
                Result klOnly = GrpoLoss.compute(c.logp(), c.old(), c.ref(), new double[c.b()], c.mask(), c.b(), c.l(), o.withBeta(0.5));
                assertThat(k.grad()).containsExactly(klOnly.grad());
                assertThat(Arrays.stream(k.grad()).anyMatch(x -> x != 0)).isTrue();
            }
        });
    }

    // ---- 15: finite differences of the full loss -------------------------------------------

    @Test
    void gradientMatchesFiniteDifferences() {
        Property.forAll(10, "dloss/dlogp by central differences", g -> new Object[] {batch(g, true), randomOptions(g),
                g.oneOf(Scale.values())}, x -> {
            Batch c = (Batch) x[0];
            Options o = (Options) x[1];
            Scale s = (Scale) x[2];
            double[] adv = Advantages.compute(c.rewards(), c.g(), s);
            // move tokens that sit within 1e-4 of a clip boundary (the loss has a kink there)
            double[] logp = c.logp().clone();
            for (int k = 0; k < logp.length; k++) {
                double rho = Math.exp(logp[k] - c.old()[k]);
                if (Math.abs(rho - (1 + o.epsHigh())) < 1e-4 || Math.abs(rho - (1 - o.epsLow())) < 1e-4) {
                    logp[k] += 1e-2;
                }
            }
            boolean[] m = c.mask();
            Result r = GrpoLoss.compute(logp, c.old(), c.ref(), adv, m, c.b(), c.l(), o);
            double h = 1e-6;
            for (int k = 0; k < logp.length; k++) {
                double keep = logp[k];
                logp[k] = keep + h;
                double up = GrpoLoss.compute(logp, c.old(), c.ref(), adv, m, c.b(), c.l(), o).loss();
                logp[k] = keep - h;
                double down = GrpoLoss.compute(logp, c.old(), c.ref(), adv, m, c.b(), c.l(), o).loss();
                logp[k] = keep;
                double fd = (up - down) / (2 * h);
                double err = Math.abs(fd - r.grad()[k]) / Math.max(1e-3, Math.abs(fd) + Math.abs(r.grad()[k]));
                assertThat(err).as("token %d: analytic %s, numeric %s", k, r.grad()[k], fd).isLessThan(1e-5);
            }
        });
    }

    // ---- 16: the three normalisations ------------------------------------------------------

    @Test
    void normalisationsDifferExactlyAsSpecified() {
        Property.forAll(5, "grpo / dapo / dr_grpo identities", g -> batch(g, true), c -> {
            double[] adv = Advantages.compute(c.rewards(), c.g(), Scale.GROUP);
            Options o = Options.defaults().withBeta(0.1);
            Result dapo = GrpoLoss.compute(c.logp(), c.old(), c.ref(), adv, c.mask(), c.b(), c.l(), o.with(Normalization.DAPO));
            Result dr = GrpoLoss.compute(c.logp(), c.old(), c.ref(), adv, c.mask(), c.b(), c.l(), o.with(Normalization.DR_GRPO));
            int total = Arrays.stream(c.lengths()).sum();
            assertThat(dr.loss()).isCloseTo(dapo.loss() * total / (c.b() * (double) c.l()), within(1e-12));
            // equal lengths: grpo == dapo
            int[] full = new int[c.b()];
            Arrays.fill(full, c.l());
            boolean[] all = GrpoLoss.maskFromLengths(full, c.l());
            Result g1 = GrpoLoss.compute(c.logp(), c.old(), c.ref(), adv, all, c.b(), c.l(), o.with(Normalization.GRPO));
            Result d1 = GrpoLoss.compute(c.logp(), c.old(), c.ref(), adv, all, c.b(), c.l(), o.with(Normalization.DAPO));
            assertThat(g1.loss()).isCloseTo(d1.loss(), within(1e-12));
            // bnpo (TRL's micro-batch token mean) is dapo within one batch; equal lengths: grpo == bnpo too
            Result bnpo = GrpoLoss.compute(c.logp(), c.old(), c.ref(), adv, c.mask(), c.b(), c.l(), o.with(Normalization.BNPO));
            assertThat(bnpo.loss()).isEqualTo(dapo.loss());
            assertThat(bnpo.grad()).containsExactly(dapo.grad());
            Result b1 = GrpoLoss.compute(c.logp(), c.old(), c.ref(), adv, all, c.b(), c.l(), o.with(Normalization.BNPO));
            assertThat(g1.loss()).isCloseTo(b1.loss(), within(1e-12));
        });
    }

    @Test
    void theFourLossTypesAreNamedAsInTrl() {
        // docs/grpo-r1.md#loss-normalisations: lossType ∈ {GRPO, BNPO, DAPO, DR_GRPO}, TRL's loss_type names
        assertThat(Normalization.parse("grpo")).isEqualTo(Normalization.GRPO);
        assertThat(Normalization.parse("bnpo")).isEqualTo(Normalization.BNPO);
        assertThat(Normalization.parse("dapo")).isEqualTo(Normalization.DAPO);
        assertThat(Normalization.parse("dr_grpo")).isEqualTo(Normalization.DR_GRPO);
        // one completion of 2 tokens (A = 1), one of 4 (A = -1), rho = 1, beta = 0: the policy loss
        // is -Σ_i |o_i| A_i / Σ|o| = -(2 - 4)/6 = 1/3 for bnpo and dapo
        boolean[] m = GrpoLoss.maskFromLengths(new int[] {2, 4}, 4);
        double[] lp = new double[8];
        Result r = GrpoLoss.compute(lp, lp, null, new double[] {1, -1}, m, 2, 4, Options.defaults().with(Normalization.BNPO));
        assertThat(r.loss()).isCloseTo(1.0 / 3, within(1e-15));
    }

    @Test
    void lengtheningAZeroAdvantageCompletionTellsTheThreeApart() {
        // rho = 1, beta = 0: completion 1 has advantage 0; lengthen it from 1 to 4 tokens
        double[] logp = new double[3 * 4];
        Arrays.fill(logp, -0.5);
        double[] adv = {1.0, 0.0, -0.5};
        int[] shortLen = {2, 1, 3}, longLen = {2, 4, 3};
        for (Normalization n : Normalization.values()) {
            Options o = Options.defaults().with(n);
            Result a = GrpoLoss.compute(logp, logp, null, adv, GrpoLoss.maskFromLengths(shortLen, 4), 3, 4, o);
            Result b = GrpoLoss.compute(logp, logp, null, adv, GrpoLoss.maskFromLengths(longLen, 4), 3, 4, o);
            if (n == Normalization.DAPO || n == Normalization.BNPO) {
                assertThat(b.loss()).isNotEqualTo(a.loss());
                assertThat(b.grad()[0]).isNotEqualTo(a.grad()[0]);
            } else {
                assertThat(b.loss()).isEqualTo(a.loss());
                assertThat(b.grad()).containsExactly(a.grad());
            }
        }
    }

    // ---- 17: padding after the end token ---------------------------------------------------

    @Test
    void paddingAfterTheEndChangesNothing() {
        Property.forAll(5, "values after the end, and extra padding columns, change nothing", g -> batch(g, true), c -> {
            for (Normalization n : Normalization.values()) {
                Options o = new Options(0.2, 0.28, 0.05, n, 9);
                Result base = run(c, Scale.GROUP, o);
                // garbage after the end
                double[] lp = c.logp().clone(), od = c.old().clone(), rf = c.ref().clone();
                boolean[] m = c.mask();
                for (int k = 0; k < m.length; k++) {
                    if (!m[k]) {
                        lp[k] = -50;
                        od[k] = 3;
                        rf[k] = -1e3;
                    }
                }
                Result garbage = GrpoLoss.fromRewards(lp, od, rf, c.rewards(), c.g(), Scale.GROUP, m, c.b(), c.l(), o);
                assertThat(garbage.loss()).isEqualTo(base.loss());
                assertThat(garbage.grad()).containsExactly(base.grad());
                // two more padding columns
                int l2 = c.l() + 2;
                double[] lp2 = widen(c.logp(), c.b(), c.l(), l2), od2 = widen(c.old(), c.b(), c.l(), l2), rf2 = widen(c.ref(), c.b(), c.l(), l2);
                Result wide = GrpoLoss.fromRewards(lp2, od2, rf2, c.rewards(), c.g(), Scale.GROUP,
                        GrpoLoss.maskFromLengths(c.lengths(), l2), c.b(), l2, o);
                assertThat(wide.loss()).isEqualTo(base.loss());
                for (int i = 0; i < c.b(); i++) {
                    for (int t = 0; t < l2; t++) {
                        assertThat(wide.grad()[i * l2 + t]).isEqualTo(t < c.l() ? base.grad()[i * c.l() + t] : 0.0);
                    }
                }
            }
        });
    }

    @Test
    void theEndTokenIsInTheMask() {
        // a completion "7", "1", END of length 3 counts three tokens
        boolean[] m = GrpoLoss.maskFromLengths(new int[] {3, 1}, 4);
        assertThat(m).containsExactly(true, true, true, false, true, false, false, false);
        Result r = GrpoLoss.compute(new double[8], new double[8], null, new double[] {1, -1}, m, 2, 4, Options.defaults());
        assertThat(r.tokens()).isEqualTo(4);
        assertThat(r.grad()[2]).isEqualTo(-1.0 / 6);
    }

    @Test
    void anEmptyMaskRowContributesNothingAndLeavesTheTokenCount() {
        // overlong filtering: completion 1 was truncated, its mask is empty
        double[] logp = {-0.3, -0.2, -1.0, -2.0, -0.5, -0.4};
        double[] old = {-0.2, -0.2, -1.5, -1.0, -0.5, -0.1};
        double[] adv = {1.0, -1.0, 0.5};
        boolean[] cut = GrpoLoss.maskFromLengths(new int[] {2, 0, 2}, 2);
        for (Normalization n : Normalization.values()) {
            Result r = GrpoLoss.compute(logp, old, null, adv, cut, 3, 2, Options.defaults().with(n));
            assertThat(r.grad()[2]).isZero();
            assertThat(r.grad()[3]).isZero();
            assertThat(r.tokens()).isEqualTo(4);
        }
        Result dapo = GrpoLoss.compute(logp, old, null, adv, cut, 3, 2, Options.defaults().with(Normalization.DAPO));
        assertThat(dapo.grad()[0]).isCloseTo(-1.0 * Math.exp(-0.1) / 4, within(1e-15)); // denominator 4, not 6
    }

    @Test
    void badInputIsNamed() {
        boolean[] m = new boolean[4];
        assertThatThrownBy(() -> GrpoLoss.compute(new double[3], new double[4], null, new double[2], m, 2, 2, Options.defaults()))
                .hasMessageContaining("logp has 3 entries, expected B·L = 2·2 = 4");
        assertThatThrownBy(() -> GrpoLoss.compute(new double[4], new double[4], null, new double[2], m, 2, 2, Options.defaults().withBeta(0.1)))
                .hasMessageContaining("needs reference log-probs");
        assertThatThrownBy(() -> GrpoLoss.compute(new double[4], new double[4], null, new double[3], m, 2, 2, Options.defaults()))
                .hasMessageContaining("3 advantages for B = 2");
        assertThatThrownBy(() -> new Options(1.5, 0.2, 0, Normalization.GRPO, 0)).hasMessageContaining("epsLow = 1.5");
        assertThatThrownBy(() -> Normalization.parse("ppo")).hasMessageContaining("grpo, dr_grpo, dapo or bnpo");
        boolean[] on = {true, false, false, false};
        double[] nan = {Double.NaN, 0, 0, 0};
        assertThatThrownBy(() -> GrpoLoss.compute(nan, new double[4], null, new double[2], on, 2, 2, Options.defaults()))
                .hasMessageContaining("completion 0, token 0 is not finite");
    }

    // ---- helpers ---------------------------------------------------------------------------

    static double[] widen(double[] x, int b, int l, int l2) {
        double[] y = new double[b * l2];
        Arrays.fill(y, -7);
        for (int i = 0; i < b; i++) {
            System.arraycopy(x, i * l, y, i * l2, l);
        }
        return y;
    }

    static double[] softmax(double[] z) {
        double max = Arrays.stream(z).max().orElse(0), sum = 0;
        double[] p = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            p[j] = Math.exp(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    static double klDiv(double[] p, double[] q) {
        double s = 0;
        for (int j = 0; j < p.length; j++) {
            s += p[j] * Math.log(p[j] / q[j]);
        }
        return s;
    }
}
