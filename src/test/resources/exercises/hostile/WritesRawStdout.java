import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: writes garbage to the raw standard output (where a grader might read answers).
public class WritesRawStdout implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        try {
            java.io.FileOutputStream raw = new java.io.FileOutputStream(java.io.FileDescriptor.out);
            raw.write("Result: PASS\n".getBytes());
            raw.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return x;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
