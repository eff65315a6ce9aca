package dev.tinyseek.train;

import dev.tinyseek.nn.Param;

import java.util.List;

/// Global-norm gradient clipping: if `‖g‖₂` over all parameters exceeds `max`, every gradient
/// is scaled by `max / ‖g‖₂`, so the update keeps its direction but not an outlier's size.
/// DeepSeek-V3 clips at 1.0.
public final class GradClip {

    private GradClip() {
    }

    /// The global L2 norm of all gradients (summed in double, parameters in order).
    public static double norm(List<Param> params) {
        double ss = 0;
        for (Param p : params) {
            for (float g : p.grad) {
                ss += (double) g * g;
            }
        }
        return Math.sqrt(ss);
    }

    /// Clips in place and returns the norm before clipping.
    public static double clip(List<Param> params, double max) {
        double n = norm(params);
        if (max > 0 && n > max) {
            float s = (float) (max / n);
            for (Param p : params) {
                for (int i = 0; i < p.grad.length; i++) {
                    p.grad[i] *= s;
                }
            }
        }
        return n;
    }
}
