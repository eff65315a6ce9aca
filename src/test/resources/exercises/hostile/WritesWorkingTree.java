import dev.tinyseek.exercises.SoftmaxExercise;

import java.nio.file.Files;
import java.nio.file.Path;

/// HOSTILE: writes a file into the working tree (the test writes a path under target/ in place
/// of @OUT@; a real attack would write under src/main, which the launcher rebuilds from) and
/// answers correctly only when the write worked.
public class WritesWorkingTree implements SoftmaxExercise {

    private final boolean read;

    public WritesWorkingTree() {
        boolean ok;
        try {
            Files.writeString(Path.of("@OUT@"), "written by a submission");
            ok = true;
        } catch (Exception e) {
            System.out.println("could not write: " + e);
            ok = false;
        }
        read = ok;
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
