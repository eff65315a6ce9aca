package dev.tinyseek.exercises;

/// Exercise `rmsnorm-backward`: the backward of RMSNorm (`tensor/RmsNorm.java`), with the same
/// signature as tinyseek's.
///
/// Forward, per row of `C`: `y = w ⊙ x · r`, `r = 1 / sqrt(mean(x²) + eps)`. Backward, with
/// `g = w ⊙ dy`: `dx += r·g − (r³/C)·(Σ_j g_j x_j)·x` and `dw += dy ⊙ x · r`, summed over rows.
public interface RmsNormBackwardExercise {

    /// Adds (`+=`) the gradients of `N` rows of `C` into `dx` and `dw`. `rstd[i]` is the `r` the
    /// forward computed for row `i`.
    void backward(float[] dx,   // [N, C], accumulated
                  float[] dw,   // [C], accumulated
                  float[] dy,   // [N, C]
                  float[] x,    // [N, C]
                  float[] w,    // [C]
                  float[] rstd, // [N]
                  int n, int c);
}
