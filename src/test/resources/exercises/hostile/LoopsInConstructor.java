import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: an endless loop in its constructor.
public class LoopsInConstructor implements SoftmaxExercise {

    boolean forever = true;

    public LoopsInConstructor() {
        while (forever) {
            Thread.onSpinWait();
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
