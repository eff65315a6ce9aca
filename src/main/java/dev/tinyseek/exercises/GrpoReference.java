package dev.tinyseek.exercises;

/// The grader's reference for GRPO's group advantages and the k3 KL estimator
/// (`docs/grpo-r1.md#advantages`, `docs/grpo-r1.md#the-kl-term-k3`). It is the one place these formulas live in this package,
/// so that it can be replaced by the `rl` package's own once that exists.
///
/// Conventions (TRL's, and those of `docs/grpo-r1.md#defaults`):
/// - advantage `A_i = (r_i − mean_g) / (std_g + ε)`, `ε = 1e-4`, with `std` the **sample**
///   standard deviation (divide by `G − 1`, Bessel) of the group; for `G = 2` and rewards
///   {0, 1} that is ±0.70701;
/// - a group whose rewards are all equal gets advantages of **exactly 0**, detected by equality,
///   not by `std == 0` (this also covers a group of one);
/// - sums in `double`.
/// - `k3 = x − log x − 1` with `x = π_ref/π_θ = exp(logp_ref − logp)`, the log-ratio clamped
///   to ±20 before `exp` (as verl); `∂k3/∂logp = 1 − x` inside the clamp.
public final class GrpoReference {

    /// ε added to the group's standard deviation.
    public static final double EPS = 1e-4;
    /// The clamp of `logp_ref − logp` before `exp`.
    public static final double CLAMP = 20;

    private GrpoReference() {
    }

    /// Advantages of `rewards` `[B·G]`, groups of `groupSize` consecutive entries.
    public static double[] advantages(double[] rewards, int groupSize) {
        if (groupSize <= 0 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException("advantages: " + rewards.length + " rewards do not split into groups of " + groupSize);
        }
        double[] a = new double[rewards.length];
        for (int g0 = 0; g0 < rewards.length; g0 += groupSize) {
            boolean equal = true;
            double mean = 0;
            for (int i = g0; i < g0 + groupSize; i++) {
                equal &= rewards[i] == rewards[g0];
                mean += rewards[i];
            }
            if (equal) {
                continue; // no signal: exactly 0
            }
            mean /= groupSize;
            double ss = 0;
            for (int i = g0; i < g0 + groupSize; i++) {
                ss += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(ss / (groupSize - 1));
            for (int i = g0; i < g0 + groupSize; i++) {
                a[i] = (rewards[i] - mean) / (std + EPS);
            }
        }
        return a;
    }

    /// The k3 estimate of `KL(π_θ || π_ref)` at one token.
    public static double k3(double logp, double logpRef) {
        double d = Math.max(-CLAMP, Math.min(CLAMP, logpRef - logp));
        return Math.exp(d) - d - 1;
    }

    /// `∂k3/∂logp` at one token.
    public static double k3Gradient(double logp, double logpRef) {
        double d = logpRef - logp;
        return Math.abs(d) > CLAMP ? 0 : 1 - Math.exp(d);
    }
}
