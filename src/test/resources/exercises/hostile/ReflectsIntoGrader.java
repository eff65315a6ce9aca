import dev.tinyseek.exercises.SoftmaxExercise;

import java.lang.reflect.Field;
import java.util.List;

/// HOSTILE: in its constructor, looks for the grader's catalogue of checks by reflection (no
/// import of anything internal, so it compiles) and empties it; forward returns its input.
public class ReflectsIntoGrader implements SoftmaxExercise {

    public ReflectsIntoGrader() {
        try {
            Class<?> catalogue = Class.forName("dev.tinyseek.exercises.Exercises");
            Field all = catalogue.getDeclaredField("ALL");
            all.setAccessible(true);
            all.set(null, List.of());
            System.out.println("emptied the grader's checks");
        } catch (Throwable e) {
            System.out.println("could not reach the grader: " + e);
        }
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
