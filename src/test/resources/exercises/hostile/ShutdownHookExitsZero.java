import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: registers a shutdown hook that prints a failing report, then exits with 0 from the
/// constructor: a grader that runs it in its own JVM would end with exit code 0.
public class ShutdownHookExitsZero implements SoftmaxExercise {

    public ShutdownHookExitsZero() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("1 of 6 checks passed. Result: FAIL")));
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
