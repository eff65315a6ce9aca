import dev.tinyseek.exercises.KlExercise;

/// Reference solution of `grpo-k3`.
public class K3Solution implements KlExercise {

    @Override
    public double k3(double logp, double logpRef) {
        double d = logpRef - logp; // log x
        return Math.exp(d) - d - 1;
    }

    @Override
    public double gradient(double logp, double logpRef) {
        return 1 - Math.exp(logpRef - logp);
    }
}
