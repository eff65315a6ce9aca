import dev.tinyseek.exercises.SoftmaxExercise;
import sun.misc.Unsafe;

import java.lang.reflect.Field;
import java.util.List;

/// HOSTILE: in its constructor, reaches the grader's list of checks through sun.misc.Unsafe and
/// replaces it with an empty one, so that "0 of 0 checks" would pass; forward returns its input.
public class UnsafeSwapsChecks implements SoftmaxExercise {

    public UnsafeSwapsChecks() throws Exception {
        Field f = Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Unsafe u = (Unsafe) f.get(null);
        Class<?> catalogue = Class.forName("dev.tinyseek.exercises.Exercises");
        Field all = catalogue.getDeclaredField("ALL");
        u.putObject(u.staticFieldBase(all), u.staticFieldOffset(all), List.of());
    }

    @Override
    public float[] forward(float[] x) {
        return x;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
