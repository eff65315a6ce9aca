import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: System.exit(0) in the constructor (no report, exit code 0 if the grader dies with it).
public class ExitsInConstructor implements SoftmaxExercise {

    public ExitsInConstructor() {
        System.exit(0);
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
