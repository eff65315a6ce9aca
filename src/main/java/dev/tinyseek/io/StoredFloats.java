package dev.tinyseek.io;

/// Decoding (and, for BF16, encoding) of the narrow float formats found in checkpoint files.
///
/// - BF16: the top 16 bits of an IEEE float32; encoded here with round-to-nearest-even.
/// - F16: IEEE half precision (decoded by the JDK's `Float.float16ToFloat`).
/// - F8_E4M3 (the "FN" variant, `torch.float8_e4m3fn`): 1 sign, 4 exponent bits (bias 7),
///   3 mantissa bits; no infinities; exponent and mantissa all ones is NaN; largest finite 448.
///
/// The `fp8` package has the full FP8 codecs and scaling; this small copy exists because
/// `io` depends on nothing else in the project. A test checks it against the definition.
final class StoredFloats {

    private StoredFloats() {
    }

    /// The 256 E4M3FN values, indexed by code.
    private static final float[] E4M3 = new float[256];

    static {
        for (int code = 0; code < 256; code++) {
            int sign = code >>> 7, exp = (code >>> 3) & 0xF, man = code & 0x7;
            float v;
            if (exp == 0xF && man == 0x7) {
                v = Float.NaN;
            } else if (exp == 0) {
                v = man / 8f * 0x1p-6f;                       // subnormal: 0.m · 2^(1-7)
            } else {
                v = (1 + man / 8f) * (float) Math.scalb(1.0, exp - 7); // normal: 1.m · 2^(e-7)
            }
            E4M3[code] = sign == 1 ? -v : v;
        }
    }

    static float e4m3ToFloat(byte code) {
        return E4M3[code & 0xFF];
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /// Rounds to the nearest BF16, ties to even; NaN stays a (quiet) NaN of the same sign.
    static short floatToBf16(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }
}
