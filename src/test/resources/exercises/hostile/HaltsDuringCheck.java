import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: halts the JVM with exit code 0 in the middle of the checks.
public class HaltsDuringCheck implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        if (x.length > 2) {
            Runtime.getRuntime().halt(0);
        }
        return x;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
