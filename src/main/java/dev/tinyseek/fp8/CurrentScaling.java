package dev.tinyseek.fp8;

/// Per-tensor *current* scaling as TransformerEngine's `Float8CurrentScaling` recipe and its
/// `ComputeScale` (`docs/fp8.md#per-tensor-scaling`): the scale comes from the amax of the tensor being
/// quantised, with TE's conventions, which differ from DeepSeek's [BlockScaling] in three ways:
/// - the scale *multiplies*: `scale = 448 / max(amax, epsilon)` (an IEEE `float` division) and
///   `code = encode(x · scale)`, saturating; the dequantisation scale stored in the result is
///   `1f / scale` (TE's `scale_inv`). DeepSeek instead divides by `s = amax / 448`, and the two
///   differ in the last bit now and then;
/// - an amax of 0 (or NaN or Inf) gives scale 1, and a scale that overflows `float` is clamped
///   to `Float.MAX_VALUE` (there is no `1e-4` floor, only `epsilon`, 0 by default);
/// - the power-of-two option clears the mantissa bits of the *quantisation* scale, a floor of
///   `448/amax`, which is a ceil of the dequantisation scale (`NVTE_FP8_CURRENT_SCALING_POWER_2_SCALES`).
///
/// @param format     element format (E4M3FN, or E5M2 for gradients in TE's HYBRID)
/// @param epsilon    floor on amax (TE's `amax_epsilon`, default 0)
/// @param powerOfTwo whether the quantisation scale is rounded down to a power of two
public record CurrentScaling(Fp8Format format, float epsilon, boolean powerOfTwo) {

    /// Checks the parameters.
    public CurrentScaling {
        if (format == null) {
            throw new IllegalArgumentException("CurrentScaling: format must be given");
        }
        if (!(epsilon >= 0) || Float.isInfinite(epsilon)) {
            throw new IllegalArgumentException("CurrentScaling: epsilon = " + epsilon + " must be finite and >= 0");
        }
    }

    /// TE's defaults: E4M3FN, epsilon 0, fp32 scales.
    public static CurrentScaling transformerEngineDefaults() {
        return new CurrentScaling(Fp8Format.E4M3FN, 0f, false);
    }

    /// The quantisation scale (multiplies the data) for a tensor whose absolute maximum is `amax`.
    public float scaleFor(float amax) {
        float a = amax < epsilon ? epsilon : amax;
        if (Float.isInfinite(a) || a == 0f || Float.isNaN(a)) {
            return 1f;
        }
        float scale = format.maxValue() / a;
        if (Float.isInfinite(scale)) {
            scale = Float.MAX_VALUE;
        }
        if (powerOfTwo) {
            scale = Float.intBitsToFloat(Float.floatToRawIntBits(scale) & 0xFF800000);
        }
        return scale;
    }

    /// Quantises a row-major `[rows, cols]` tensor with one scale; the result's single scale is
    /// the dequantisation scale `1f / scale`.
    public BlockQuantized quantize(float[] x, // [rows, cols]
                                   int rows, int cols) {
        if (rows < 1 || cols < 1 || x.length != rows * cols) {
            throw new IllegalArgumentException("CurrentScaling.quantize: x has length " + x.length
                    + " but shape [" + rows + ", " + cols + "] needs " + (long) rows * cols + " (both at least 1)");
        }
        float scale = scaleFor(ScaleMath.amax(x));
        byte[] codes = new byte[x.length]; // [rows, cols]
        for (int i = 0; i < x.length; i++) {
            codes[i] = format.encodeByte(x[i] * scale, Overflow.SATURATE);
        }
        return new BlockQuantized(format, rows, cols, rows, cols, codes, new float[] {1f / scale});
    }
}
