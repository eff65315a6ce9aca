import dev.tinyseek.exercises.RmsNormBackwardExercise;

/// WRONG on purpose: writes dx and dw with = instead of adding with +=.
public class RmsNormAssigns implements RmsNormBackwardExercise {

    @Override
    public void backward(float[] dx, float[] dw, float[] dy, float[] x, float[] w, float[] rstd, int n, int c) {
        for (int i = 0; i < n; i++) {
            int off = i * c;
            double r = rstd[i];
            double gx = 0; // Σ_j (w_j dy_j) x_j
            for (int j = 0; j < c; j++) {
                gx += (double) w[j] * dy[off + j] * x[off + j];
            }
            for (int j = 0; j < c; j++) {
                dx[off + j] = (float) (r * w[j] * dy[off + j] - r * r * r / c * gx * x[off + j]);
                dw[j] = (i == 0 ? 0 : dw[j]) + (float) (dy[off + j] * x[off + j] * r);
            }
        }
    }
}
