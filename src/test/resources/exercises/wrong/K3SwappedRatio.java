import dev.tinyseek.exercises.KlExercise;

/// WRONG on purpose: x = π_θ/π_ref instead of π_ref/π_θ.
public class K3SwappedRatio implements KlExercise {

    @Override
    public double k3(double logp, double logpRef) {
        double d = logp - logpRef; // log x, upside down
        return Math.exp(d) - d - 1;
    }

    @Override
    public double gradient(double logp, double logpRef) {
        return 1 - Math.exp(logpRef - logp);
    }
}
