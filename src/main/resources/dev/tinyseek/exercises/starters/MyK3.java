import dev.tinyseek.exercises.KlExercise;

/// Exercise `grpo-k3`: the k3 estimator of KL(π_θ || π_ref) in GRPO's loss (DeepSeekMath eq. 4).
///
///     k3 = x − log x − 1,   x = π_ref / π_θ = exp(logp_ref − logp)
///
/// and its derivative with respect to logp (the policy's log-probability of the token).
///
/// tinyseek's reference: src/main/java/dev/tinyseek/rl/K3.java; docs/grpo-r1.md#the-kl-term-k3.
/// Grade it: ./tinyseek grade MyK3.java
public class MyK3 implements KlExercise {

    @Override
    public double k3(double logp, double logpRef) {
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyK3.k3");
    }

    @Override
    public double gradient(double logp, double logpRef) { // ∂k3/∂logp
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyK3.gradient");
    }
}
