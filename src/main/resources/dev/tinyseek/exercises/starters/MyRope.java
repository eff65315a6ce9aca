import dev.tinyseek.exercises.RopeExercise;

/// Exercise `rope`: rotary position embedding in DeepSeek-V3's interleaved layout.
///
/// Row i of x [T, Dr] sits at position p = pos0 + i. Pair j is (x[2j], x[2j+1]); turn it by the
/// angle p · f_j with f_j = theta^(-2j/Dr):
///
///     y[2j]   = x[2j] cos − x[2j+1] sin
///     y[2j+1] = x[2j] sin + x[2j+1] cos
///
/// tinyseek's own: src/main/java/dev/tinyseek/tensor/Rope.java (read it after you pass).
/// Grade it: ./tinyseek grade MyRope.java
public class MyRope implements RopeExercise {

    @Override
    public void forward(float[] x, int t, int dr, int pos0, double theta) { // x [T, Dr], in place
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyRope.forward");
    }

    @Override
    public void backward(float[] dx, int t, int dr, int pos0, double theta) { // dx [T, Dr], in place
        // TODO: your code here (what is the transpose of a rotation?)
        throw new UnsupportedOperationException("TODO: write MyRope.backward");
    }
}
