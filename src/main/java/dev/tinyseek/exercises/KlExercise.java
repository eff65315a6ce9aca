package dev.tinyseek.exercises;

/// Exercise `grpo-k3`: the k3 estimator of `KL(π_θ || π_ref)` that GRPO puts in its loss
/// (`docs/grpo-r1.md#the-kl-term-k3`, DeepSeekMath eq. 4), per token:
///
///     k3 = x − log x − 1,   x = π_ref / π_θ = exp(logp_ref − logp)
///
/// and its derivative with respect to the policy's log-probability, `∂k3/∂logp = 1 − x`.
public interface KlExercise {

    /// `k3` at one token, from the policy's and the reference's log-probabilities of it.
    double k3(double logp, double logpRef);

    /// `∂k3/∂logp`.
    double gradient(double logp, double logpRef);
}
