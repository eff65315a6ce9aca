package dev.tinyseek.fp8;

/// An 8-bit floating-point format `S E..E M..M`, described by its exponent bits, mantissa bits,
/// bias and where it keeps NaN and Inf; one generic encoder and decoder serve all four formats.
///
/// Implements `docs/fp8.md#the-formats` (bit layouts) and `docs/fp8.md#rounding` (conversion from `float32`):
///
/// | format | bias | Inf | NaN codes | zero | max finite (code) |
/// |---|---|---|---|---|---|
/// | [#E4M3FN] (OCP E4M3) | 7 | none | 0x7F, 0xFF | ±0 | 448 (0x7E) |
/// | [#E5M2] (OCP E5M2) | 15 | 0x7C / 0xFC | 0x7D-0x7F, 0xFD-0xFF | ±0 | 57344 (0x7B) |
/// | [#E4M3FNUZ] | 8 | none | 0x80 only | +0 only | 240 (0x7F) |
/// | [#E5M2FNUZ] | 16 | none | 0x80 only | +0 only | 57344 (0x7F) |
///
/// Decoding: exponent field 0 is zero or subnormal, `(m / 2^M) · 2^(1-bias)`; otherwise
/// `(1 + m / 2^M) · 2^(e-bias)`. Every value is exact in `float`, so [#decode] is a 256-entry
/// table lookup.
///
/// Encoding ([#encode]) rounds the *exact* `float` value to the nearest code, ties to the code
/// with an even mantissa (RNE), exactly as ml_dtypes, PyTorch's c10 casts and CUDA's
/// `__nv_cvt_float_to_fp8` do for finite inputs. Convention choices (`docs/fp8.md#overflow-and-special-values`):
/// - ±Inf inputs: the OCP formats follow [Overflow] (saturating: ±max, OCP §5.2.1); the FNUZ
///   formats give their NaN 0x80 under [Overflow#SATURATE] too (`docs/fp8.md#pitfalls`), ±max only
///   under [Overflow#SATURATE_ALL];
/// - overflow happens only after rounding (E4M3FN: 464 → 448, nextup(464) overflows;
///   E5M2: 61440 overflows because the tie goes to the "even" virtual 65536); what an overflow
///   becomes is chosen by [Overflow];
/// - NaN inputs give the canonical NaN `0x7F | sign` (OCP formats; the sign of the NaN is kept,
///   as ml_dtypes and PyTorch do for E4M3FN; for E5M2 we pick PyTorch's 0x7F over ml_dtypes'
///   0x7E) and 0x80 for FNUZ. Compare NaNs by "is NaN", never by bits;
/// - −0 gives 0x80 (the FNUZ formats have no −0 and give 0x00), and an underflow to zero keeps
///   the sign in the same way.
///
/// Left out: stochastic rounding, and conversion from `double` (round to `float` first, on
/// purpose; `docs/fp8.md#quantise-from-float-only`).
public enum Fp8Format {
    /// OCP E4M3: 4 exponent bits, 3 mantissa bits, no Inf, NaN only at `S.1111.111`.
    E4M3FN(4, 3, 7, false, false),
    /// OCP E5M2: IEEE-like, with Inf and NaN in exponent field 31.
    E5M2(5, 2, 15, true, false),
    /// E4M3 "finite, unsigned zero" (Graphcore, AMD MI300): bias 8, the would-be −0 is the NaN.
    E4M3FNUZ(4, 3, 8, false, true),
    /// E5M2 "finite, unsigned zero": bias 16, the would-be −0 is the NaN.
    E5M2FNUZ(5, 2, 16, false, true);

    /// Exponent bits E.
    public final int exponentBits;
    /// Mantissa (fraction) bits M.
    public final int mantissaBits;
    /// Exponent bias b: a normal code's value is `(1 + m/2^M) · 2^(e-b)`.
    public final int bias;
    /// Whether codes with the all-ones exponent and mantissa 0 are ±Inf (E5M2 only).
    public final boolean hasInfinity;
    /// Whether the format is "FNUZ": no −0, no Inf, and code 0x80 is the single NaN.
    public final boolean fnuz;
    /// The largest finite positive code (0x7E, 0x7B, 0x7F, 0x7F).
    public final int maxCode;

    private final float[] table; // [256] code -> value

    Fp8Format(int exponentBits, int mantissaBits, int bias, boolean hasInfinity, boolean fnuz) {
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.hasInfinity = hasInfinity;
        this.fnuz = fnuz;
        // E4M3FN: field 1111 keeps finite values except mantissa 111 (NaN); E5M2: field 11111 is
        // Inf/NaN, so the max is the code below it; FNUZ: every positive code is finite.
        this.maxCode = fnuz ? 0x7F : hasInfinity ? 0x7F - (1 << mantissaBits) : 0x7E;
        this.table = new float[256];
        for (int c = 0; c < 256; c++) {
            table[c] = decodeSlow(c);
        }
    }

    /// The largest finite value (448, 57344, 240, 57344).
    public float maxValue() {
        return table[maxCode];
    }

    /// The smallest positive normal value, `2^(1-bias)`.
    public float minNormal() {
        return Math.scalb(1f, 1 - bias);
    }

    /// The smallest positive subnormal value, `2^(1-bias-M)`.
    public float minSubnormal() {
        return Math.scalb(1f, 1 - bias - mantissaBits);
    }

    /// The canonical NaN code this encoder writes for a NaN of the given sign.
    public int nanCode(boolean negative) {
        return fnuz ? 0x80 : 0x7F | (negative ? 0x80 : 0);
    }

    /// Whether `code` (0..255, or a `byte`) is a NaN in this format.
    public boolean isNaN(int code) {
        return Float.isNaN(table[code & 0xFF]);
    }

    /// The value of `code` (only its low 8 bits are used, so a `byte` may be passed directly).
    /// NaN codes decode to a `float` NaN carrying the code's sign bit.
    public float decode(int code) {
        return table[code & 0xFF];
    }

    /// A copy of the 256-entry decode table: `table[code & 0xFF]` is the code's value.
    public float[] decodeTable() {
        return table.clone();
    }

    /// Decodes every code of `codes` into `out` (same length).
    public void decode(byte[] codes, // [n]
                       float[] out) { // [n]
        if (codes.length != out.length) {
            throw new IllegalArgumentException("decode: codes has length " + codes.length
                    + " but out has length " + out.length + "; they must be equal");
        }
        for (int i = 0; i < codes.length; i++) {
            out[i] = table[codes[i] & 0xFF];
        }
    }

    /// Rounds `x` to nearest-even and returns the code (0..255). See the class comment for NaN,
    /// Inf, −0 and overflow; `overflow` decides what a too-large value becomes.
    public int encode(float x, Overflow overflow) {
        // 1. split the float32: raw bits keep the sign of a NaN and of -0
        int u = Float.floatToRawIntBits(x);
        int sign = (u >>> 31) << 7;
        int a = u & 0x7FFFFFFF;
        if (a > 0x7F800000) {
            return nanCode(sign != 0);
        }
        if (a == 0x7F800000) {
            // FNUZ: ±Inf is NaN unless SATURATE_ALL (docs/fp8.md#pitfalls); OCP formats: per overflow
            return fnuz && overflow != Overflow.SATURATE_ALL ? nanCode(false) : overflowCode(sign, overflow);
        }
        // 2. value = sig · 2^(exp - 23), with sig the 24-bit significand
        int biasedExp = a >>> 23;
        long sig = biasedExp == 0 ? (a & 0x7FFFFF) : ((a & 0x7FFFFF) | 0x800000);
        int exp = biasedExp == 0 ? -126 : biasedExp - 127;
        int emin = 1 - bias;
        // 3. keep M fraction bits in the normal range, fewer below it (fixed subnormal spacing)
        int shift = exp >= emin ? 23 - mantissaBits : 23 - mantissaBits + (emin - exp);
        long q;
        if (shift > 40) {
            q = 0; // far below half the smallest subnormal
        } else {
            q = sig >>> shift;
            long rem = sig & ((1L << shift) - 1);
            long half = 1L << (shift - 1);
            if (rem > half || (rem == half && (q & 1) == 1)) {
                q++; // round to nearest, ties to even
            }
        }
        // 4. reassemble; a mantissa carry lands in the exponent, and q == 2^M below emin is the
        //    smallest normal, both without special cases
        long code = exp >= emin ? ((long) (exp + bias) << mantissaBits) + (q - (1L << mantissaBits)) : q;
        if (code > maxCode) {
            return overflowCode(sign, overflow);
        }
        if (code == 0 && fnuz) {
            return 0; // no -0 in FNUZ: 0x80 is the NaN
        }
        return (int) code | sign;
    }

    /// [#encode] returning a `byte`, for filling code arrays.
    public byte encodeByte(float x, Overflow overflow) {
        return (byte) encode(x, overflow);
    }

    /// `decode(encode(x, overflow))`: the nearest value of this format.
    public float round(float x, Overflow overflow) {
        return table[encode(x, overflow)];
    }

    private int overflowCode(int sign, Overflow overflow) {
        if (overflow != Overflow.NON_SATURATE) {
            return maxCode | sign;
        }
        if (hasInfinity) {
            return (0x7F - (1 << mantissaBits) + 1) | sign; // the Inf code, 0x7C for E5M2
        }
        return nanCode(sign != 0);
    }

    /// Decodes by the formula of `docs/fp8.md#decoding-a-code` (used once, to fill the table).
    private float decodeSlow(int code) {
        boolean negative = (code & 0x80) != 0;
        int e = (code >>> mantissaBits) & ((1 << exponentBits) - 1);
        int m = code & ((1 << mantissaBits) - 1);
        int allOnesExp = (1 << exponentBits) - 1;
        float nan = Float.intBitsToFloat(negative ? 0xFFC00000 : 0x7FC00000);
        if (fnuz && code == 0x80) {
            return Float.NaN;
        }
        if (hasInfinity && e == allOnesExp) {
            return m == 0 ? (negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY) : nan;
        }
        if (!hasInfinity && !fnuz && e == allOnesExp && m == (1 << mantissaBits) - 1) {
            return nan;
        }
        float magnitude = e == 0
                ? Math.scalb((float) m, 1 - bias - mantissaBits)
                : Math.scalb((float) ((1 << mantissaBits) + m), e - bias - mantissaBits);
        return negative ? -magnitude : magnitude;
    }
}
