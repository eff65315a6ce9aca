package dev.tinyseek.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tinyseek.rl.GrpoLoss.Normalization;
import dev.tinyseek.rl.GrpoLoss.Options;
import dev.tinyseek.rl.GrpoLoss.Result;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// Every number `GrpoLoss` reports (the loss, its policy part, the mean k3, the clipped
/// fractions, the token count, the gradient) against the formula written out here in its
/// `min` form, on batches of several completions with random (not ±1) advantages, random clip
/// ranges and every normalisation.
class GrpoLossReferenceTest {

    record Case(int b, int l, double[] logp, double[] old, double[] ref, double[] adv, boolean[] mask, Options o) {
    }

    record Expected(double loss, double policy, double kl, double clipLow, double clipHigh, int tokens) {
    }

    static double k3(double logp, double ref) {
        double d = Math.max(-20, Math.min(20, ref - logp));
        return Math.exp(d) - d - 1;
    }

    /// `Σ w·(−min(ρA, clip(ρ, 1−ε_low, 1+ε_high)·A) + β·k3)` with per-token advantages.
    static Expected reference(Case c, double[] logp) {
        int[] len = new int[c.b];
        int total = 0;
        for (int k = 0; k < c.b * c.l; k++) {
            if (c.mask[k]) {
                len[k / c.l]++;
                total++;
            }
        }
        double lMax = c.o.maxLength() > 0 ? c.o.maxLength() : c.l;
        double loss = 0, policy = 0, kl = 0;
        int low = 0, high = 0;
        for (int k = 0; k < c.b * c.l; k++) {
            if (!c.mask[k]) {
                continue;
            }
            int i = k / c.l;
            double w = switch (c.o.normalization()) {
                case GRPO -> 1.0 / (c.b * Math.max(1, len[i]));
                case DAPO, BNPO -> 1.0 / total;
                case DR_GRPO -> 1.0 / (c.b * lMax);
            };
            double rho = Math.exp(logp[k] - c.old[k]), a = c.adv[k];
            double clipped = Math.max(1 - c.o.epsLow(), Math.min(1 + c.o.epsHigh(), rho));
            double term = -Math.min(rho * a, clipped * a);
            if (a > 0 && rho > 1 + c.o.epsHigh()) {
                high++;
            }
            if (a < 0 && rho < 1 - c.o.epsLow()) {
                low++;
            }
            double kt = c.ref == null ? 0 : k3(logp[k], c.ref[k]);
            kl += kt;
            policy += w * term;
            loss += w * (term + c.o.beta() * kt);
        }
        return new Expected(loss, policy, total == 0 ? 0 : kl / total, total == 0 ? 0 : (double) low / total,
                total == 0 ? 0 : (double) high / total, total);
    }

    static Case draw(Gen g, boolean perToken) {
        int b = g.intIn(2, 5), l = g.intIn(1, 6), n = b * l;
        double[] logp = new double[n], old = new double[n], ref = new double[n], adv = new double[perToken ? n : b];
        boolean[] mask = new boolean[n];
        for (int k = 0; k < n; k++) {
            logp[k] = g.doubleIn(-4, -0.05);
            old[k] = logp[k] + g.doubleIn(-0.5, 0.5);
            ref[k] = logp[k] + g.doubleIn(-1.5, 1.5);
            mask[k] = g.chance(0.8);
        }
        for (int i = 0; i < adv.length; i++) {
            adv[i] = g.doubleIn(-2.5, 2.5);
        }
        double beta = g.bool() ? 0 : g.doubleIn(0.01, 0.6);
        Options o = new Options(g.doubleIn(0, 0.4), g.doubleIn(0, 0.5), beta, g.oneOf(Normalization.values()),
                g.bool() ? 0 : g.intIn(l, l + 5));
        return new Case(b, l, logp, old, beta == 0 && g.bool() ? null : ref, adv, mask, o);
    }

    static double[] tokenAdvantages(Case c) {
        if (c.adv.length == c.b * c.l) {
            return c.adv;
        }
        double[] out = new double[c.b * c.l];
        for (int k = 0; k < out.length; k++) {
            out[k] = c.adv[k / c.l];
        }
        return out;
    }

    static void check(Case c, Result r) {
        Case perToken = new Case(c.b, c.l, c.logp, c.old, c.ref, tokenAdvantages(c), c.mask, c.o);
        Expected e = reference(perToken, c.logp);
        assertThat(r.loss()).as("loss").isCloseTo(e.loss(), within(1e-12));
        assertThat(r.policyLoss()).as("policy loss").isCloseTo(e.policy(), within(1e-12));
        assertThat(r.kl()).as("mean k3").isCloseTo(e.kl(), within(1e-12));
        assertThat(r.clipLow()).as("clipped low").isEqualTo(e.clipLow());
        assertThat(r.clipHigh()).as("clipped high").isEqualTo(e.clipHigh());
        assertThat(r.tokens()).as("tokens").isEqualTo(e.tokens());
        double[] numeric = GradCheck.numeric(x -> reference(perToken, x).loss(), c.logp.clone());
        GradCheck.assertClose("dloss/dlogp", numeric, r.grad(), 1e-5, 1e-9);
    }

    @Test
    void everyReportedNumberIsTheFormulaPerCompletion() {
        Property.forAll("GRPO loss vs its formula, per-completion advantages", g -> draw(g, false),
                c -> check(c, GrpoLoss.compute(c.logp, c.old, c.ref, c.adv, c.mask, c.b, c.l, c.o)));
    }

    @Test
    void everyReportedNumberIsTheFormulaPerToken() {
        Property.forAll("GRPO loss vs its formula, per-token advantages", g -> draw(g, true),
                c -> check(c, GrpoLoss.computeTokens(c.logp, c.old, c.ref, c.adv, c.mask, c.b, c.l, c.o)));
    }

    /// Every array is checked against `B·L` (or `B`), in both entry points, and a non-finite
    /// log-prob is named by its completion and token, also past the first row.
    @Test
    void everyInputIsCheckedInBothEntryPoints() {
        int b = 2, l = 3, n = b * l;
        double[] ok = new double[n];
        boolean[] m = new boolean[n];
        Options o = Options.defaults();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, new double[n + 1], null, new double[b], m, b, l, o))
                .hasMessage("GRPO: oldLogp has 7 entries, expected B·L = 2·3 = 6");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, ok, null, new double[b], new boolean[n - 1], b, l, o))
                .hasMessage("GRPO: mask has 5 entries, expected B·L = 2·3 = 6");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, ok, new double[n - 1], new double[b], m, b, l, o))
                .hasMessage("GRPO: refLogp has 5 entries, expected B·L = 2·3 = 6");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, ok, null, new double[0], new boolean[0], 0, l, o))
                .hasMessage("GRPO: B = 0 and L = 3 must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, ok, null, new double[b], m, b, 0, o))
                .hasMessage("GRPO: B = 2 and L = 0 must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.computeTokens(ok, ok, null, new double[n], m, 0, l, o))
                .hasMessage("GRPO: B = 0 and L = 3 must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.computeTokens(ok, ok, null, new double[n], m, b, 0, o))
                .hasMessage("GRPO: B = 2 and L = 0 must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.computeTokens(ok, ok, null, new double[n + 2], m, b, l, o))
                .hasMessage("GRPO: tokenAdvantages has 8 entries, expected B·L = 2·3 = 6");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.computeTokens(new double[n - 1], ok, null, new double[n], m, b, l, o))
                .hasMessage("GRPO: logp has 5 entries, expected B·L = 2·3 = 6");
        boolean[] on = new boolean[n];
        on[5] = true;
        double[] inf = new double[n];
        inf[5] = Double.NEGATIVE_INFINITY;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, inf, null, new double[b], on, b, l, o))
                .hasMessageStartingWith("GRPO: a log-prob at completion 1, token 2 is not finite");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GrpoLoss.compute(ok, ok, inf, new double[b], on, b, l, o))
                .hasMessageStartingWith("GRPO: a log-prob at completion 1, token 2 is not finite");
        inf[5] = 0;
        inf[4] = Double.NaN; // masked out: ignored
        assertThat(GrpoLoss.compute(ok, inf, inf, new double[b], on, b, l, o).tokens()).isEqualTo(1);
    }
}
