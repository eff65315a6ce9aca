import dev.tinyseek.exercises.SoftmaxExercise;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/// HOSTILE: loads tinyseek's own classes from the working tree (the test writes the absolute
/// path of target/classes in place of @CLASSES@) and calls its Softmax; returns its input when
/// it cannot.
public class LoadsLibraryFromDisk implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        float[] y = new float[x.length];
        try {
            URL[] where = {Path.of("@CLASSES@").toUri().toURL()};
            Class<?> softmax = new URLClassLoader(where, null).loadClass("dev.tinyseek.tensor.Softmax");
            Method row = softmax.getMethod("row", float[].class, float[].class, int.class, int.class);
            row.invoke(null, y, x, 0, x.length);
            return y;
        } catch (Exception | LinkageError e) {
            return x;
        }
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
