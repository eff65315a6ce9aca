import dev.tinyseek.exercises.SoftmaxExercise;

import java.nio.file.Files;
import java.nio.file.Path;

/// HOSTILE: connects to a server of the test's on 127.0.0.1 (the test writes its port in place
/// of @PORT@) and answers correctly only when the connection worked.
public class OpensNetwork implements SoftmaxExercise {

    private final boolean read;

    public OpensNetwork() {
        boolean ok;
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", @PORT@), 2000);
            s.getOutputStream().write("hello from a submission\n".getBytes());
            ok = true;
        } catch (Exception e) {
            System.out.println("could not connect: " + e);
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
