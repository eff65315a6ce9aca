package dev.tinyseek.exercises;

import dev.tinyseek.rl.Advantages;
import dev.tinyseek.rl.K3;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/// How `grpo-advantages` and `grpo-k3` are graded: the properties of `docs/grpo-r1.md#tests`
/// (groups sum to zero, invariance to `a·r + b`, equal rewards give exactly 0, group isolation;
/// k3 ≥ 0 and 0 only when equal, its expectation is the KL, its derivative), the worked
/// values, and the library's own `rl.Advantages` and `rl.K3`.
final class GrpoChecks {

    private GrpoChecks() {
    }

    record Groups(int groupSize, double[] rewards) {
    }

    record Tokens(double[] logp, double[] logpRef) {
    }

    record Categorical(double[] p, double[] pRef) {
    }

    /// The tolerance of the advantage checks: far below what a wrong convention changes (`+ ε`
    /// alone moves ±0.70711 to ±0.70701), above float rounding, so that float sums fail only where
    /// they matter: rewards with a large common offset (the shift check). Advantages are of order
    /// one (they are normalised), so the same number serves as the absolute tolerance.
    static final double TOL = 1e-6;

    private static final String ADV = "A_i = (r_i − mean_g) / (std_g + 1e-4), std_g the sample std (÷ (G − 1)) of the "
            + "group, sums in double; all-equal groups → exactly 0 (docs/grpo-r1.md#advantages; rl/Advantages.java)";
    private static final String K3_RULE = "k3 = x − log x − 1 with x = π_ref/π_θ = exp(logp_ref − logp); ∂k3/∂logp = 1 − x "
            + "(DeepSeekMath eq. 4; docs/grpo-r1.md#the-kl-term-k3)";

    /// Rewards of `B` groups: the task's {0, 0.1, 1} or continuous values.
    static Groups groups(Cases.Gen g, int minG) {
        int gs = g.dim(minG, 16), b = g.dim(1, 4);
        boolean discrete = g.coin();
        double[] r = new double[gs * b];
        for (int i = 0; i < r.length; i++) {
            r[i] = discrete ? new double[] {0, 0.1, 1}[g.intIn(0, 2)] : g.normal() * 0.3;
        }
        return new Groups(gs, r);
    }

    static Exercise<AdvantageExercise> advantages() {
        return new Exercise<>("grpo-advantages", "GRPO group advantages (r − mean)/(std + ε)", AdvantageExercise.class,
                "MyAdvantages", "rl/Advantages.java (docs/grpo-r1.md#advantages)", List.of(
                new Check<>("worked values: G = 2, rewards {0, 1} → ∓0.70700680; {0, 0.1, 1, 1} → −0.95437193, …",
                        "the std is the sample std (÷ (G − 1)): for {0, 1} it is 0.7071, not 0.5; then add ε = 1e-4 "
                                + "to it: −0.5/(0.70711 + 0.0001) = −0.70701. " + ADV,
                        s -> Cases.single("rewards {0, 1} in a group of 2, then {0, 0.1, 1, 1} in a group of 4", c -> {
                            double[] two = run(s, new Groups(2, new double[] {0, 1}));
                            Mismatch.close("A({0, 1})", new double[] {-0.7070067953266834, 0.7070067953266834}, two, TOL, 0);
                            double[] four = run(s, new Groups(4, new double[] {0, 0.1, 1, 1}));
                            Mismatch.close("A({0, 0.1, 1, 1})", new double[] {-0.9543719323759317, -0.7725868023995638,
                                    0.8634793673877476, 0.8634793673877476}, four, TOL, 0);
                        })),
                new Check<>("equals the reference on random groups",
                        ADV,
                        s -> Cases.sweep("adv-ref", g -> groups(g, 2), c ->
                                Mismatch.close("A", reference(c), run(s, c), TOL, TOL))),
                new Check<>("each group's advantages sum to zero",
                        "subtract the mean of the group itself (not of the batch) from each reward. " + ADV,
                        s -> Cases.sweep("adv-sum", g -> groups(g, 2), c -> {
                            double[] a = run(s, c);
                            for (int g0 = 0; g0 < a.length; g0 += c.groupSize()) {
                                double sum = 0;
                                for (int i = g0; i < g0 + c.groupSize(); i++) {
                                    sum += a[i];
                                }
                                Mismatch.check(Math.abs(sum) <= TOL * c.groupSize(), "group starting at " + g0 + ": Σ A = " + sum + ", expected 0");
                            }
                        })),
                new Check<>("equal rewards give exactly 0 (also 0.1 ×G, and a group of one)",
                        "compare the rewards for equality before dividing: the mean of G copies of 0.1 need not be 0.1 "
                                + "exactly, and (r − mean)/(std + ε) then gives ±1e-13, not 0; a group of one has no sample std. " + ADV,
                        s -> Cases.sweep("adv-equal", g -> {
                            int gs = g.dim(1, 16), b = g.dim(1, 3);
                            double[] r = new double[gs * b];
                            for (int k = 0; k < b; k++) {
                                Arrays.fill(r, k * gs, (k + 1) * gs, new double[] {0.1, 0.3, 1, 0.7, -2.2}[g.intIn(0, 4)]);
                            }
                            return new Groups(gs, r);
                        }, c -> {
                            double[] a = run(s, c);
                            for (int i = 0; i < a.length; i++) {
                                Mismatch.check(a[i] == 0 && !Double.isNaN(a[i]), "A[" + i + "] = " + a[i] + ", expected exactly 0");
                            }
                        })),
                new Check<>("adding b (up to 1e4) to every reward changes nothing",
                        "(r + b) − mean(r + b) = r − mean(r) exactly in real numbers; in float the mean of rewards near 1e4 "
                                + "keeps only about 3 decimals, so accumulate in double. " + ADV,
                        s -> Cases.sweep("adv-shift", g -> {
                            Groups base = groups(g, 2);
                            double b = new double[] {1, 100, 1e4}[g.intIn(0, 2)] * (g.coin() ? 1 : -1);
                            double[] r = base.rewards().clone();
                            for (int i = 0; i < r.length; i++) {
                                r[i] += b;
                            }
                            return new Groups(base.groupSize(), r);
                        }, c -> Mismatch.close("A(r + b)", reference(c), run(s, c), 1e-6, 1e-6))),
                new Check<>("scaling every reward by a > 0 gives (r − mean)/(std + ε/a)",
                        "the mean and the std scale with a, ε does not. " + ADV,
                        s -> Cases.sweep("adv-scale", g -> groups(g, 2), c -> {
                            double a = 7.5;
                            double[] scaled = c.rewards().clone();
                            for (int i = 0; i < scaled.length; i++) {
                                scaled[i] *= a;
                            }
                            Mismatch.close("A(7.5·r)", scaledExpected(c, a), run(s, new Groups(c.groupSize(), scaled)), TOL, TOL);
                        })),
                new Check<>("changing one group leaves the other groups' advantages unchanged",
                        "normalise each group by its own mean and std, never by the batch's. " + ADV,
                        s -> Cases.sweep("adv-isolated", g -> {
                            Groups c = groups(g, 2);
                            return c.rewards().length == c.groupSize() ? new Groups(c.groupSize(), concat(c.rewards(), c.rewards())) : c;
                        }, c -> {
                            double[] before = run(s, c);
                            double[] r = c.rewards().clone();
                            for (int i = 0; i < c.groupSize(); i++) {
                                r[i] = r[i] * 3 + 5;
                            }
                            double[] after = run(s, new Groups(c.groupSize(), r));
                            Mismatch.close("A of groups 2.. after changing group 1",
                                    Arrays.copyOfRange(before, c.groupSize(), before.length),
                                    Arrays.copyOfRange(after, c.groupSize(), after.length), 1e-12, 0);
                        }))));
    }

    static Exercise<KlExercise> k3() {
        return new Exercise<>("grpo-k3", "the k3 KL estimator of GRPO and its derivative", KlExercise.class, "MyK3",
                "rl/K3.java (docs/grpo-r1.md#the-kl-term-k3)", List.of(
                new Check<>("k3 ≥ 0, and exactly 0 when logp = logp_ref",
                        "x − log x − 1 ≥ 0 for every x > 0 (log x ≤ x − 1); k1 = −log x or log x alone can be negative. " + K3_RULE,
                        s -> Cases.sweep("k3-positive", KlChecks::tokens, c -> {
                            for (int i = 0; i < c.logp().length; i++) {
                                double v = s.k3(c.logp()[i], c.logpRef()[i]);
                                Mismatch.check(v >= 0, String.format(Locale.ROOT, "k3(logp = %.6f, logp_ref = %.6f) = %.9g < 0",
                                        c.logp()[i], c.logpRef()[i], v));
                                double z = s.k3(c.logp()[i], c.logp()[i]);
                                Mismatch.check(z == 0, "k3(logp = logp_ref = " + c.logp()[i] + ") = " + z + ", expected exactly 0");
                            }
                        })),
                new Check<>("worked values: π = 0.5, π_ref = 0.25 → 0.19314718; π = 0.25, π_ref = 0.5 → 0.30685282",
                        "x is π_ref/π_θ (the reference over the policy): for π = 0.5, π_ref = 0.25, x = 0.5 and "
                                + "k3 = 0.5 + ln 2 − 1. " + K3_RULE,
                        s -> Cases.single("k3(log 0.5, log 0.25) and k3(log 0.25, log 0.5)",
                                c -> Mismatch.close("k3", new double[] {0.1931471805599454, 0.3068528194400546},
                                        new double[] {s.k3(Math.log(0.5), Math.log(0.25)), s.k3(Math.log(0.25), Math.log(0.5))}, 1e-12, 0))),
                new Check<>("its mean under π is KL(π || π_ref) (exact sum over a small categorical)",
                        "Σ_x π(x)·k3 = Σ π·(π_ref/π) − Σ π·log(π_ref/π) − 1 = KL(π || π_ref), because Σ π_ref = 1; "
                                + "that holds only with x = π_ref/π_θ. " + K3_RULE,
                        s -> Cases.sweep("k3-mean", KlChecks::categorical, c -> {
                            double mean = 0, kl = 0;
                            for (int i = 0; i < c.p().length; i++) {
                                mean += c.p()[i] * s.k3(Math.log(c.p()[i]), Math.log(c.pRef()[i]));
                                kl += c.p()[i] * Math.log(c.p()[i] / c.pRef()[i]);
                            }
                            Mismatch.close("Σ π·k3", new double[] {kl}, new double[] {mean}, 1e-9, 1e-12);
                        })),
                new Check<>("equals the reference on random log-probabilities",
                        K3_RULE,
                        s -> Cases.sweep("k3-ref", KlChecks::tokens, c -> {
                            double[] want = new double[c.logp().length], got = new double[want.length];
                            for (int i = 0; i < want.length; i++) {
                                want[i] = K3.value(c.logp()[i], c.logpRef()[i]);
                                got[i] = s.k3(c.logp()[i], c.logpRef()[i]);
                            }
                            Mismatch.close("k3", want, got, 1e-9, 1e-14);
                        })),
                new Check<>("gradient equals finite differences (gradient check)",
                        "d/dlogp of exp(logp_ref − logp) is −x, of −(logp_ref − logp) is +1: ∂k3/∂logp = 1 − x. " + K3_RULE,
                        s -> Cases.sweep("k3-grad", KlChecks::tokens, c -> {
                            double[] num = new double[c.logp().length], got = new double[num.length];
                            for (int i = 0; i < num.length; i++) {
                                double ref = c.logpRef()[i];
                                num[i] = FiniteDifferences.gradient(lp -> Math.exp(ref - lp[0]) - (ref - lp[0]) - 1,
                                        new double[] {c.logp()[i]})[0];
                                got[i] = s.gradient(c.logp()[i], ref);
                            }
                            Mismatch.close("∂k3/∂logp (yours vs finite differences)", num, got, 1e-5, 1e-8);
                        }))));
    }

    /// The library's advantages of `c` (`rl.Advantages`, group scale): the reference a submission meets.
    static double[] reference(Groups c) {
        return Advantages.compute(c.rewards(), c.groupSize(), Advantages.Scale.GROUP);
    }

    static double[] run(AdvantageExercise s, Groups c) {
        double[] a = s.advantages(c.rewards().clone(), c.groupSize());
        Mismatch.check(a != null && a.length == c.rewards().length,
                "expected " + c.rewards().length + " advantages, got " + (a == null ? "null" : a.length));
        return a;
    }

    /// `(r − mean)/(std + ε/a)` per group: the advantages of `a·r`.
    static double[] scaledExpected(Groups c, double a) {
        double[] r = c.rewards();
        double[] out = new double[r.length];
        double[] plain = reference(c);
        for (int g0 = 0; g0 < r.length; g0 += c.groupSize()) {
            double mean = 0, ss = 0;
            for (int i = g0; i < g0 + c.groupSize(); i++) {
                mean += r[i] / c.groupSize();
            }
            for (int i = g0; i < g0 + c.groupSize(); i++) {
                ss += (r[i] - mean) * (r[i] - mean);
            }
            double std = Math.sqrt(ss / (c.groupSize() - 1));
            for (int i = g0; i < g0 + c.groupSize(); i++) {
                out[i] = plain[i] == 0 ? 0 : (r[i] - mean) / (std + Advantages.EPS / a);
            }
        }
        return out;
    }

    static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /// Generators of the k3 cases.
    static final class KlChecks {
        private KlChecks() {
        }

        static Tokens tokens(Cases.Gen g) {
            int n = g.dim(1, 12);
            double[] lp = new double[n], ref = new double[n];
            for (int i = 0; i < n; i++) {
                lp[i] = g.uniform(-12, 0);
                ref[i] = g.coin() ? lp[i] + g.normal() * 0.05 : g.uniform(-12, 0);
            }
            return new Tokens(lp, ref);
        }

        static Categorical categorical(Cases.Gen g) {
            int k = g.dim(2, 8);
            double[] p = new double[k], q = new double[k];
            double sp = 0, sq = 0;
            for (int i = 0; i < k; i++) {
                p[i] = g.uniform(0.05, 1);
                q[i] = g.uniform(0.05, 1);
                sp += p[i];
                sq += q[i];
            }
            for (int i = 0; i < k; i++) {
                p[i] /= sp;
                q[i] /= sq;
            }
            return new Categorical(p, q);
        }
    }
}
