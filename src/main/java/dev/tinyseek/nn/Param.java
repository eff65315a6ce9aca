package dev.tinyseek.nn;

import java.util.Arrays;

/// A named, trainable tensor: its HF checkpoint name, its shape, its values and its gradient.
///
/// `data` and `grad` have the same flat row-major layout; backward passes add into `grad`,
/// the optimizer reads it and [#zeroGrad()] clears it between steps.
public final class Param {

    public final String name;   // e.g. "model.layers.0.self_attn.q_proj.weight"
    public final int[] shape;   // e.g. [out, in]
    public final float[] data;  // [prod(shape)]
    public final float[] grad;  // [prod(shape)]
    /// Whether the optimizer updates it and weight decay applies (norm gains are not decayed).
    public final boolean decay;

    public Param(String name, boolean decay, int... shape) {
        this.name = name;
        this.shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("param " + name + ": every dimension must be positive, got "
                        + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("param " + name + " of shape " + Arrays.toString(shape) + " is too large for one array");
        }
        this.decay = decay;
        this.data = new float[(int) n];
        this.grad = new float[(int) n];
    }

    public int size() {
        return data.length;
    }

    public void zeroGrad() {
        Arrays.fill(grad, 0f);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
