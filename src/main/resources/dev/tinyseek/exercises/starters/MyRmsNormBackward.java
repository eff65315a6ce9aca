import dev.tinyseek.exercises.RmsNormBackwardExercise;

/// Exercise `rmsnorm-backward`: write the backward of RMSNorm.
///
/// Forward, per row of C: y = w ⊙ x · r with r = 1 / sqrt(mean(x²) + eps) (rstd[i] holds r of row i).
/// Work out dL/dx and dL/dw from dL/dy; remember that r depends on every x_j of its row.
/// Add (+=) into dx and dw; dw sums over the rows.
///
/// tinyseek's own: src/main/java/dev/tinyseek/tensor/RmsNorm.java (read it after you pass).
/// Grade it: ./tinyseek grade MyRmsNormBackward.java
public class MyRmsNormBackward implements RmsNormBackwardExercise {

    @Override
    public void backward(float[] dx,   // [N, C], accumulate into it
                         float[] dw,   // [C], accumulate into it
                         float[] dy,   // [N, C]
                         float[] x,    // [N, C]
                         float[] w,    // [C]
                         float[] rstd, // [N]
                         int n, int c) {
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyRmsNormBackward.backward");
    }
}
