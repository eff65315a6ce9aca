package dev.tinyseek.fp8;

/// IEEE 754 binary16 ("half"): 5 exponent bits, 10 mantissa bits, bias 15, max 65504.
///
/// A thin, documented wrapper over the JDK's own [Float#floatToFloat16] (round to nearest even,
/// overflow to ±Inf, NaN kept as NaN) and [Float#float16ToFloat]. E5M2 is exactly the top byte
/// of an FP16 (`docs/fp8.md#decoding-a-code`), which the tests use as a cross-check.
public final class Fp16 {

    private Fp16() {
    }

    /// The binary16 bits (0..0xFFFF) nearest to `x`.
    public static int encode(float x) {
        return Float.floatToFloat16(x) & 0xFFFF;
    }

    /// The value of binary16 `bits` (low 16 bits used): exact in `float`.
    public static float decode(int bits) {
        return Float.float16ToFloat((short) bits);
    }

    /// `decode(encode(x))`.
    public static float round(float x) {
        return decode(encode(x));
    }
}
