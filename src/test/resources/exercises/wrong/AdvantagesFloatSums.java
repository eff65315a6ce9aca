import dev.tinyseek.exercises.AdvantageExercise;

/// WRONG on purpose: accumulates the mean and the std in float.
public class AdvantagesFloatSums implements AdvantageExercise {

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
            float fsum = 0;
            for (int i = start; i < start + groupSize; i++) {
                fsum += (float) rewards[i];
            }
            float mean = fsum / groupSize, ss = 0;
            for (int i = start; i < start + groupSize; i++) {
                ss += ((float) rewards[i] - mean) * ((float) rewards[i] - mean);
            }
            double std = Math.sqrt(ss / (groupSize - 1));
            for (int i = start; i < start + groupSize; i++) {
                a[i] = ((float) rewards[i] - mean) / (std + 1e-4);
            }
        }
        return a;
    }
}
