import dev.tinyseek.exercises.SoftmaxExercise;

import java.nio.file.Files;
import java.nio.file.Path;

/// HOSTILE: a correct softmax that, once loaded, prints fake PASS lines: 2.6 MB before its class
/// has finished loading (so the output cap is always reached before any check runs), then more
/// without end from a thread.
public class FloodsOutput implements SoftmaxExercise {

    private final boolean read;

    public FloodsOutput() {
        read = true;
    }

    static {
        for (int i = 0; i < 10_000; i++) {
            System.out.println("Result: PASS ".repeat(20));
        }
        Thread t = new Thread(() -> {
            while (true) {
                System.out.println("Result: PASS ".repeat(20));
            }
        });
        t.setDaemon(true);
        t.start();
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
