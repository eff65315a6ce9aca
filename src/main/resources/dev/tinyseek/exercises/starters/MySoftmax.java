import dev.tinyseek.exercises.SoftmaxExercise;

/// Exercise `softmax`: write the softmax of one row and its backward.
///
///     y_i  = exp(x_i − max x) / Σ_j exp(x_j − max x)
///     dx_i = y_i (dy_i − Σ_j y_j dy_j)
///
/// tinyseek's own: src/main/java/dev/tinyseek/tensor/Softmax.java (read it after you pass).
/// Grade it: ./tinyseek grade MySoftmax.java
public class MySoftmax implements SoftmaxExercise {

    @Override
    public float[] forward(float[] x) { // [V] -> [V]; some entries may be -Infinity (masked)
        float[] y = new float[x.length];
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MySoftmax.forward");
    }

    @Override
    public float[] backward(float[] dy, float[] y) { // [V], [V] -> dx [V]
        float[] dx = new float[y.length];
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MySoftmax.backward");
    }
}
