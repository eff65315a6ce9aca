package dev.tinyseek.exercises;

/// Exercise `grpo-advantages`: GRPO's group-relative advantages (`docs/grpo-r1.md#advantages`, DeepSeekMath
/// §4.1.2), in tinyseek's convention (`rl.Advantages`):
///
///     A_i = (r_i − mean(r)) / (std(r) + 1e-4)      over the G rewards of the group of i
///
/// with `std` the sample standard deviation (divide by `G − 1`), and a group whose rewards are
/// all equal giving exactly 0 (no learning signal).
public interface AdvantageExercise {

    /// Advantages `[B·G]` of rewards `[B·G]`: `B` groups of `groupSize` consecutive rewards.
    double[] advantages(double[] rewards, int groupSize);
}
