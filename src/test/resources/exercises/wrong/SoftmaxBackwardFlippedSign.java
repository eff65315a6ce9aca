import dev.tinyseek.exercises.SoftmaxExercise;

/// WRONG on purpose: the backward computes y_i (Σ y_j dy_j − dy_i), the gradient with its sign flipped.
public class SoftmaxBackwardFlippedSign implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
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
        double dot = 0;
        for (int i = 0; i < y.length; i++) {
            dot += (double) y[i] * dy[i];
        }
        float[] dx = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            dx[i] = (float) (y[i] * (dot - dy[i])); // the difference the wrong way round
        }
        return dx;
    }
}
