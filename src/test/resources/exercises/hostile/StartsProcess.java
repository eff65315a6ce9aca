import dev.tinyseek.exercises.SoftmaxExercise;

import java.nio.file.Files;
import java.nio.file.Path;

/// HOSTILE: starts a shell that writes a file outside its scratch directory (the test writes
/// the path in place of @OUT@) and answers correctly only when the file is there afterwards.
public class StartsProcess implements SoftmaxExercise {

    private final boolean read;

    public StartsProcess() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", "echo started by a submission > '@OUT@'").inheritIO().start();
            p.waitFor();
            ok = Files.exists(Path.of("@OUT@"));
        } catch (Exception e) {
            System.out.println("could not start a process: " + e);
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
