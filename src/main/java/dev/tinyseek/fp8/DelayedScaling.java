package dev.tinyseek.fp8;

import java.util.Arrays;

/// Per-tensor scaling with a delayed amax history, as TransformerEngine's `DelayedScaling` recipe:
/// the scale used for a tensor is computed from the amax values of *previous* calls, then the
/// current amax joins the history (`docs/fp8.md#per-tensor-scaling`).
///
/// TE's conventions, kept here: the quantisation scale *multiplies* (`code = encode(x · scale)`)
/// and its inverse is the dequantisation scale stored in the result; the new scale is
/// `(formatMax / amax) / 2^margin` with `amax` the maximum of the history ([Algorithm#MAX]) or its
/// newest entry ([Algorithm#MOST_RECENT]); an infinite scale is clamped to `Float.MAX_VALUE`; the
/// first call uses scale 1. Because the scale lags the data, the cast must saturate: elements
/// are always encoded with [Overflow#SATURATE].
///
/// A reduced amax of 0 *keeps the previous scale* (TransformerEngine's docs are silent for delayed
/// scaling; this is TransformerEngine's `delayed_scaling.cu` update kernel, which recomputes
/// the scale only for a finite amax > 0). The "amax = 0 gives scale 1" rule belongs
/// to TE's `ComputeScale` of *current* scaling, not to this recipe. So after scales 448/10 and an
/// all-zero tensor with [Algorithm#MOST_RECENT], the scale stays 448/10; before any non-zero
/// amax it is the initial 1.
///
/// Simplifications: TE updates scales once per training step for all tensors at once; here the
/// history advances on every [#quantize] call (one object per tensor, one call per step). A NaN
/// or Inf amax is rejected instead of poisoning the history.
///
/// Not thread-safe: one object holds one tensor's history.
public final class DelayedScaling {

    /// How the history is reduced to one amax.
    public enum Algorithm {
        /// The largest amax in the history window (TE default).
        MAX,
        /// The newest amax.
        MOST_RECENT
    }

    private final Fp8Format format;
    private final Algorithm algorithm;
    private final int margin;
    private final float[] history; // [historyLength], a ring buffer
    private int count;
    private float scale = 1f;

    /// @param format        element format (E4M3FN in forward, E5M2 for gradients in TE's HYBRID)
    /// @param historyLength amax values kept (TE default 1024)
    /// @param algorithm     how the history is reduced
    /// @param margin        extra headroom, the scale is divided by `2^margin` (TE default 0)
    public DelayedScaling(Fp8Format format, int historyLength, Algorithm algorithm, int margin) {
        if (format == null || algorithm == null) {
            throw new IllegalArgumentException("DelayedScaling: format and algorithm must be given, got " + format + ", " + algorithm);
        }
        if (historyLength < 1) {
            throw new IllegalArgumentException("DelayedScaling: historyLength = " + historyLength + " must be at least 1");
        }
        if (margin < 0) {
            throw new IllegalArgumentException("DelayedScaling: margin = " + margin + " must be non-negative");
        }
        this.format = format;
        this.algorithm = algorithm;
        this.margin = margin;
        this.history = new float[historyLength];
    }

    /// TE's defaults: E4M3FN, history 1024, MAX, margin 0.
    public static DelayedScaling transformerEngineDefaults() {
        return new DelayedScaling(Fp8Format.E4M3FN, 1024, Algorithm.MAX, 0);
    }

    /// The quantisation scale the next call will use (multiplies the data).
    public float scale() {
        return scale;
    }

    /// The amax values recorded so far, oldest first (at most `historyLength`).
    public float[] history() {
        int n = Math.min(count, history.length);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = history[(count - n + i) % history.length];
        }
        return out;
    }

    /// Quantises `x` (`[rows, cols]`) with the current scale, then records its amax and updates
    /// the scale for the next call. The result has one block covering the whole tensor, with
    /// dequantisation scale `1 / scale`.
    public BlockQuantized quantize(float[] x, // [rows, cols]
                                   int rows, int cols) {
        if (rows < 1 || cols < 1 || x.length != rows * cols) {
            throw new IllegalArgumentException("DelayedScaling.quantize: x has length " + x.length
                    + " but shape [" + rows + ", " + cols + "] needs " + (long) rows * cols + " (both at least 1)");
        }
        float amax = ScaleMath.amax(x);
        if (!Float.isFinite(amax)) {
            throw new IllegalArgumentException("DelayedScaling.quantize: the tensor's amax is " + amax
                    + "; a non-finite amax would poison the scale history");
        }
        // 1. quantise with the scale from the history (the previous calls)
        byte[] codes = new byte[x.length]; // [rows, cols]
        for (int i = 0; i < x.length; i++) {
            codes[i] = format.encodeByte(x[i] * scale, Overflow.SATURATE);
        }
        BlockQuantized q = new BlockQuantized(format, rows, cols, rows, cols, codes, new float[] {1f / scale});
        // 2. record the amax, then recompute the scale
        history[count % history.length] = amax;
        count++;
        float reduced = algorithm == Algorithm.MOST_RECENT ? amax : max(history());
        scale = computeScale(reduced);
        return q;
    }

    private float computeScale(float amax) {
        if (amax == 0f) {
            return scale; // TE: no finite positive amax, keep the previous scale
        }
        float s = Math.scalb(format.maxValue() / amax, -margin);
        return Float.isInfinite(s) ? Float.MAX_VALUE : s;
    }

    private static float max(float[] v) {
        float m = 0f;
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }

    @Override
    public String toString() {
        return "DelayedScaling[" + format + ", " + algorithm + ", margin " + margin + ", scale " + scale
                + ", history " + Arrays.toString(history()) + "]";
    }
}
