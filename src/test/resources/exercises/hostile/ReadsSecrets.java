import dev.tinyseek.exercises.SoftmaxExercise;

import java.nio.file.Files;
import java.nio.file.Path;

/// HOSTILE: reads /etc/passwd and the reference solution under src/test/resources (the test
/// writes the working tree's absolute path in place of @REPO@), prints what it found, and
/// answers correctly only when both reads worked: a PASS would mean that it could read them.
public class ReadsSecrets implements SoftmaxExercise {

    private final boolean read;

    public ReadsSecrets() {
        boolean ok;
        try {
            String passwd = Files.readString(Path.of("/etc/passwd"));
            String solution = Files.readString(Path.of("@REPO@/src/test/resources/exercises/solutions/SoftmaxSolution.java"));
            System.out.println("read /etc/passwd (" + passwd.length() + " chars) and the reference solution (" + solution.length() + ")");
            ok = true;
        } catch (Exception e) {
            System.out.println("could not read: " + e);
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
