import dev.tinyseek.exercises.SoftmaxExercise;
import dev.tinyseek.tensor.Softmax;

/// HOSTILE: calls tinyseek's own Softmax instead of writing one.
public class CallsLibrarySoftmax implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) {
        float[] y = new float[x.length];
        Softmax.row(y, x, 0, x.length);
        return y;
    }

    @Override
    public float[] backward(float[] dy, float[] y) {
        float[] dx = new float[y.length];
        Softmax.rowBackward(dx, dy, y, 0, y.length);
        return dx;
    }
}
