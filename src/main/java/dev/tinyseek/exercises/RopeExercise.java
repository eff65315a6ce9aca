package dev.tinyseek.exercises;

/// Exercise `rope`: rotary position embedding in DeepSeek-V3's interleaved layout
/// (`tensor/Rope.java`, `docs/mla.md#rope-interleaved-pairs`).
///
/// Row `i` of `T` rows of `Dr` dims sits at position `p = pos0 + i`. Pair `j` is
/// `(x[2j], x[2j+1])`, rotated by the angle `p · f_j` with `f_j = θ^(−2j/Dr)`:
///
///     y[2j]   = x[2j] cos − x[2j+1] sin
///     y[2j+1] = x[2j] sin + x[2j+1] cos
public interface RopeExercise {

    /// Rotates `x` `[T, Dr]` in place.
    void forward(float[] x, int t, int dr, int pos0, double theta);

    /// The backward of [#forward]: rotates the gradient `dx` `[T, Dr]` in place (a rotation's
    /// transpose is the rotation by the opposite angle).
    void backward(float[] dx, int t, int dr, int pos0, double theta);
}
