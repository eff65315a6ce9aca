import dev.tinyseek.exercises.KlExercise;

/// WRONG on purpose: the derivative has the wrong sign: x − 1.
public class K3GradientSign implements KlExercise {

    @Override
    public double k3(double logp, double logpRef) {
        double d = logpRef - logp; // log x
        return Math.exp(d) - d - 1;
    }

    @Override
    public double gradient(double logp, double logpRef) {
        return Math.exp(logpRef - logp) - 1;
    }
}
