import dev.tinyseek.exercises.SoftmaxExercise;

import java.nio.file.Files;
import java.nio.file.Path;

/// HOSTILE: a correct softmax whose constructor registers a shutdown hook that prints a PASS
/// report and then never ends, so that a grader waiting for the process would hang.
public class LoopingShutdownHook implements SoftmaxExercise {

    private final boolean read;

    public LoopingShutdownHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("6 of 6 checks passed. Result: PASS");
            while (true) {
                Thread.onSpinWait();
            }
        }));
        read = true;
    }

    @Override
    public float[] forward(float[] x) {
        if (!read) {
            return x;
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
        double dot = 0;
        for (int i = 0; i < y.length; i++) {
            dot += (double) y[i] * dy[i];
        }
        float[] dx = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            dx[i] = (float) (y[i] * (dy[i] - dot));
        }
        return dx;
    }
}
