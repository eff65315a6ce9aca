package dev.tinyseek.fp8;

/// bfloat16: the top 16 bits of a `float32` (8 exponent bits, 7 mantissa bits, same range as
/// `float`). DeepSeek-V3 keeps GEMM outputs, some optimizer moments and non-FP8 weights in it.
///
/// Encoding rounds to nearest, ties to even, on the exact `float` value: `(u + 0x7FFF +
/// ((u >>> 16) & 1)) >>> 16` (`docs/fp8.md#bf16`). Values that round past the largest
/// bf16 become ±Inf, as in IEEE arithmetic. Convention: every NaN encodes to the canonical quiet
/// NaN 0x7FC0 (sign dropped); never a truncation.
public final class Bf16 {

    private Bf16() {
    }

    /// The bf16 bits (0..0xFFFF) nearest to `x`.
    public static int encode(float x) {
        int u = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return 0x7FC0;
        }
        return (u + 0x7FFF + ((u >>> 16) & 1)) >>> 16;
    }

    /// The value of bf16 `bits` (low 16 bits used): exact in `float`.
    public static float decode(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /// `decode(encode(x))`: `x` rounded to bf16 precision.
    public static float round(float x) {
        return decode(encode(x));
    }

    /// Rounds every element of `x` to bf16 precision in place.
    public static void roundInPlace(float[] x) { // [n]
        for (int i = 0; i < x.length; i++) {
            x[i] = round(x[i]);
        }
    }
}
