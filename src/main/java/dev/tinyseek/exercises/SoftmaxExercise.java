package dev.tinyseek.exercises;

/// Exercise `softmax`: the softmax of one row and its backward (`tensor/Softmax.java`).
///
///     y_i  = exp(x_i − max x) / Σ_j exp(x_j − max x)
///     dx_i = y_i (dy_i − Σ_j y_j dy_j)
public interface SoftmaxExercise {

    /// `y = softmax(x)` of one row; returns a new array. Entries of `x` may be `−∞` (masked);
    /// at least one is finite.
    float[] forward(float[] x); // [V] -> [V]

    /// The gradient `dx` `[V]` with respect to `x`, given the upstream gradient `dy` `[V]` and the
    /// forward output `y` `[V]`; returns a new array.
    float[] backward(float[] dy, float[] y);
}
