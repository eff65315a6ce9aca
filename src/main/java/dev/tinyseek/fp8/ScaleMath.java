package dev.tinyseek.fp8;

/// The two small computations every scaling recipe shares: the absolute maximum of a block
/// ("amax"), and rounding a scale up to a power of two ("UE8M0" scales, `docs/fp8.md#power-of-two-scales`).
public final class ScaleMath {

    private ScaleMath() {
    }

    /// `max |x[r, c]|` over rows `r0..r1-1` and columns `c0..c1-1` of a row-major `[rows, cols]`
    /// array. NaN propagates: any NaN element makes the amax NaN (a half-precision max that loses
    /// NaN gave TransformerEngine a finite scale for a NaN block, `TransformerEngine#3550`).
    public static float amax(float[] x, // [rows, cols]
                             int cols, int r0, int r1, int c0, int c1) {
        float m = 0f;
        for (int r = r0; r < r1; r++) {
            int base = r * cols;
            for (int c = c0; c < c1; c++) {
                float v = Math.abs(x[base + c]);
                if (!(v <= m)) { // true for v > m and for NaN
                    if (Float.isNaN(v)) {
                        return Float.NaN;
                    }
                    m = v;
                }
            }
        }
        return m;
    }

    /// `max |x[i]|` over the whole array, NaN-propagating.
    public static float amax(float[] x) { // [n]
        return amax(x, x.length, 0, x.length == 0 ? 0 : 1, 0, x.length);
    }

    /// The smallest power of two ≥ `s`, with the exponent clamped to [2^-126, 2^127], computed
    /// exactly from the bits as DeepGEMM's `ceil_to_ue8m0` does: biased exponent plus one if any
    /// mantissa bit is set, mantissa cleared. Never a floating-point `log2` (whose rounding near
    /// powers of two would change the answer). NaN gives NaN; the sign of `s` is ignored.
    public static float ceilPowerOfTwo(float s) {
        if (Float.isNaN(s)) {
            return Float.NaN;
        }
        int bits = Float.floatToRawIntBits(s) & 0x7FFFFFFF;
        int exp = (bits >>> 23) + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
        exp = Math.min(254, Math.max(1, exp));
        return Float.intBitsToFloat(exp << 23);
    }

    /// `ceil(log2 v)` exactly, for a finite `v > 0` (subnormals included).
    static int ceilLog2(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (bits >= 0x00800000) {
            return (bits >>> 23) - 127 + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
        }
        int lead = 31 - Integer.numberOfLeadingZeros(bits);
        return lead - 149 + (Integer.bitCount(bits) > 1 ? 1 : 0);
    }

    /// `floor(log2 v)` exactly, for a finite `v > 0` (subnormals included).
    static int floorLog2(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (bits >= 0x00800000) {
            return (bits >>> 23) - 127;
        }
        return 31 - Integer.numberOfLeadingZeros(bits) - 149;
    }
}
