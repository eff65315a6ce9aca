import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: returns an array of 5 million values (20 MB) for every row.
public class ReturnsHugeArray implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        return new float[5_000_000];
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
