import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: a right forward on rows of up to two entries; on a longer row it halts the JVM with exit code 0.
public class HaltsDuringCheck implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        if (x.length > 2) {
            Runtime.getRuntime().halt(0);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        float[] y = new float[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.exp(x[i] - max);
            sum += y[i];
        }
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (y[i] / sum);
        }
        return y;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
