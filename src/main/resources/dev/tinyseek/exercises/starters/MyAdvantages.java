import dev.tinyseek.exercises.AdvantageExercise;

/// Exercise `grpo-advantages`: GRPO's group-relative advantages (DeepSeekMath §4.1.2).
///
///     A_i = (r_i − mean(r)) / (std(r) + 1e-4)     over the G rewards of i's group
///
/// std is the sample standard deviation (divide by G − 1). A group whose rewards are all equal
/// carries no signal: its advantages are exactly 0.
///
/// tinyseek's reference: src/main/java/dev/tinyseek/rl/Advantages.java; docs/grpo-r1.md#advantages.
/// Grade it: ./tinyseek grade MyAdvantages.java
public class MyAdvantages implements AdvantageExercise {

    @Override
    public double[] advantages(double[] rewards, int groupSize) { // [B·G] -> [B·G]
        double[] a = new double[rewards.length];
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyAdvantages.advantages");
    }
}
