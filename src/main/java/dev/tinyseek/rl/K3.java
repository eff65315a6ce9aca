package dev.tinyseek.rl;

/// Schulman's "k3" estimator of `KL(π_θ || π_ref)` at one sampled token (DeepSeekMath eq. 4):
///
///     x  = π_ref / π_θ = exp(logp_ref − logp)
///     k3 = x − log x − 1                      ≥ 0, and 0 only when x = 1
///     ∂k3/∂logp = 1 − x
///
/// Under `o ~ π_θ`, `E[x] = 1`, so `E[k3] = E[−log x] = KL(π_θ || π_ref)`: unbiased, and never
/// negative. A subtlety worth knowing (`docs/grpo-r1.md#the-kl-term-k3`): back-propagating through k3 on
/// on-policy samples gives, in expectation, `−Σ π_ref ∇logπ`, the gradient of the *forward*
/// KL `KL(π_ref || π_θ)`, not of the reverse KL whose value it estimates.
///
/// The log-ratio is clamped to ±20 before `exp` (as verl does), and the gradient is 0 outside
/// the clamp, so one token far from the reference cannot blow the loss up.
public final class K3 {

    /// The clamp of `logp_ref − logp`.
    public static final double CLAMP = 20;

    private K3() {
    }

    /// The k3 value at one token.
    public static double value(double logp, double logpRef) {
        double d = Math.max(-CLAMP, Math.min(CLAMP, logpRef - logp));
        return Math.exp(d) - d - 1;
    }

    /// `∂k3/∂logp` at one token.
    public static double gradient(double logp, double logpRef) {
        double d = logpRef - logp;
        return Math.abs(d) > CLAMP ? 0 : 1 - Math.exp(d);
    }
}
