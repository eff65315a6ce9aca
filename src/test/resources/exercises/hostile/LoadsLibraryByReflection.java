import dev.tinyseek.exercises.SoftmaxExercise;

import java.lang.reflect.Method;

/// HOSTILE: finds tinyseek's own Softmax by name at run time (so it compiles without it) and
/// calls it; falls back to returning its input when it is not there.
public class LoadsLibraryByReflection implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        float[] y = new float[x.length];
        try {
            Method row = Class.forName("dev.tinyseek.tensor.Softmax").getMethod("row", float[].class, float[].class, int.class, int.class);
            row.invoke(null, y, x, 0, x.length);
            return y;
        } catch (ReflectiveOperationException e) {
            return x;
        }
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
