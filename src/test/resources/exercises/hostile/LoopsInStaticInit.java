import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: an endless loop in its static initialiser (runs when the class is loaded).
public class LoopsInStaticInit implements SoftmaxExercise {

    static boolean forever = true;

    static {
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
