import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: forward loops without end on rows of more than three entries.
public class LoopsInForward implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        while (x.length > 3) {
            Thread.onSpinWait();
        }
        return x;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
