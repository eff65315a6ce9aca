import dev.tinyseek.exercises.SoftmaxExercise;

/// HOSTILE: allocates until the heap is full, keeping everything, on its first call.
public class AllocatesUntilOutOfMemory implements SoftmaxExercise {

    static final java.util.List<long[]> KEPT = new java.util.ArrayList<>();

    @Override
    public float[] forward(float[] x) {
        while (true) {
            KEPT.add(new long[1 << 20]);
        }
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        return dy;
    }
}
