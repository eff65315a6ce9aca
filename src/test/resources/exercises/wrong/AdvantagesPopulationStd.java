import dev.tinyseek.exercises.AdvantageExercise;

/// WRONG on purpose: the population std (÷ G) instead of the sample std (÷ (G − 1)).
public class AdvantagesPopulationStd implements AdvantageExercise {

    @Override
    public double[] advantages(double[] rewards, int groupSize) {
        double[] a = new double[rewards.length];
        for (int start = 0; start < rewards.length; start += groupSize) {
            boolean same = true;
            double sum = 0;
            for (int i = start; i < start + groupSize; i++) {
                same &= rewards[i] == rewards[start];
                sum += rewards[i];
            }
            if (same) {
                continue;
            }
            double mean = sum / groupSize, ss = 0;
            for (int i = start; i < start + groupSize; i++) {
                ss += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(ss / groupSize);
            for (int i = start; i < start + groupSize; i++) {
                a[i] = (rewards[i] - mean) / (std + 1e-4);
            }
        }
        return a;
    }
}
