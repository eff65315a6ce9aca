package dev.tinyseek.fp8;

/// E8M0 ("E8M0FNU", "UE8M0"): an unsigned byte that holds only an exponent, the scale format of
/// the OCP MX spec (v1.0 §5.4.1) and of DeepGEMM's SM100 kernels.
///
/// Code `c` means `2^(c-127)` for `c` in 0..254 (0x00 = 2^-127, 0x7F = 1, 0xFE = 2^127) and 0xFF
/// is NaN; there is no zero, no sign and no Inf (`docs/fp8.md#the-formats`). Every value is exact in
/// `float` (2^-127 is the float subnormal 0x00400000).
///
/// Two ways in, on purpose different:
/// - [#ofPowerOfTwo]: exact, for scales that are already powers of two ([ScaleMath#ceilPowerOfTwo],
///   [MxScaling]). This is how DeepSeek / DeepGEMM scales are stored.
/// - [#encode]: the *cast* of ml_dtypes / PyTorch `float8_e8m0fnu` (`docs/fp8.md#e8m0-scales`): round to the
///   nearest power of two in the linear domain (a significand ≥ 1.5 goes up, 1.5 itself goes up).
///   It is not "round the scale up"; using it for scales is the bug of `pytorch#175409`.
/// - [#encodePyTorch]: PyTorch's own cast, whose special cases differ from ml_dtypes' (`docs/fp8.md#e8m0-scales`
///   table, PyTorch column): the sign is ignored, zero gives 0x00, overflow gives 0xFF.
public final class E8M0 {

    /// The NaN code.
    public static final int NAN = 0xFF;

    private E8M0() {
    }

    /// The value of `code` (low 8 bits used): `2^(code-127)`, or NaN for 0xFF.
    public static float decode(int code) {
        int c = code & 0xFF;
        if (c == NAN) {
            return Float.NaN;
        }
        return c == 0 ? Float.intBitsToFloat(0x00400000) : Float.intBitsToFloat(c << 23);
    }

    /// The code of `p`, which must be an exact power of two in [2^-127, 2^127], or NaN (→ 0xFF).
    /// @throws IllegalArgumentException naming `p` if it is anything else.
    public static int ofPowerOfTwo(float p) {
        if (Float.isNaN(p)) {
            return NAN;
        }
        int bits = Float.floatToRawIntBits(p);
        if (bits == 0x00400000) {
            return 0;
        }
        if (bits <= 0 || bits >= 0x7F800000 || (bits & 0x7FFFFF) != 0) {
            throw new IllegalArgumentException("E8M0.ofPowerOfTwo: " + p + " (bits 0x"
                    + Integer.toHexString(bits) + ") is not a power of two in [2^-127, 2^127]");
        }
        return bits >>> 23;
    }

    /// PyTorch's `x.to(torch.float8_e8m0fnu)` (`docs/fp8.md#e8m0-scales`): the sign bit is
    /// ignored; a float exponent field of 255 (NaN, ±Inf) gives 0xFF; otherwise the code is the
    /// float's exponent field, plus one when the mantissa bit below the leading one is set and
    /// either any lower bit is set or the float is normal (round to nearest, ties to even, with
    /// the implicit bit as the LSB). So 1.5 → 0x80, 0.0 → 0x00, −1.0 → 0x7F, 2^-127 → 0x00 and
    /// 1.5·2^127 → 0xFF. Documents the cast only; it is not the DeepSeek scale rounding.
    public static int encodePyTorch(float x) {
        int bits = Float.floatToRawIntBits(x);
        int field = (bits >>> 23) & 0xFF;
        if (field == 0xFF) {
            return NAN;
        }
        boolean guard = (bits & 0x400000) != 0;
        boolean lower = (bits & 0x3FFFFF) != 0;
        return field + (guard && (lower || field > 0) ? 1 : 0);
    }

    /// The ml_dtypes-style cast (`docs/fp8.md#e8m0-scales`): NaN and ±Inf give 0xFF; positive values round to the
    /// nearest power of two (significand ≥ 1.5 rounds up); what rounds above 2^127 gives 0xFF
    /// ([Overflow#NON_SATURATE]) or 0xFE ([Overflow#SATURATE]); zero and negative values give 0xFF
    /// (non-saturating, ml_dtypes) or 0x00 (saturating). Positive values below 2^-127 give 0x00
    /// in both modes [our choice: the nearest representable value; not checked against ml_dtypes].
    public static int encode(float x, Overflow overflow) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x) || Float.isInfinite(x)) {
            return NAN;
        }
        if (bits <= 0) { // +0 (bits 0) and every negative value, -0 included
            return overflow != Overflow.NON_SATURATE ? 0 : NAN;
        }
        // floor(log2 x) and whether the significand is >= 1.5 (the bit below the leading one)
        int exp;
        boolean up;
        if (bits >= 0x00800000) {
            exp = (bits >>> 23) - 127;
            up = (bits & 0x400000) != 0;
        } else {
            int lead = 31 - Integer.numberOfLeadingZeros(bits);
            exp = lead - 149;
            up = lead >= 1 && ((bits >>> (lead - 1)) & 1) == 1;
        }
        int code = exp + 127 + (up ? 1 : 0);
        if (code > 254) {
            return overflow != Overflow.NON_SATURATE ? 254 : NAN;
        }
        return Math.max(code, 0);
    }
}
