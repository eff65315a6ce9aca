package dev.tinyseek.fp8;

/// A bit-level model of Hopper's FP8 tensor-core accumulation, after the MMA-Sim model of
/// `wgmma` (Xie et al., arXiv 2511.10909), exactly as its published algorithm (`docs/fp8.md#the-tensor-core-accumulator`).
///
/// One `wgmma` k=32 step computes `fusedDotAdd(a[0..31], b[0..31], c)`:
/// 1. the 33 terms are the 32 exact products and the incoming accumulator `c`. A product's
///    exponent is `e_a + e_b` (each FP8 exponent is `field − bias`, or `1 − bias` for a
///    subnormal), its significand `sig_a·sig_b` in [1, 4) is *not* renormalised; `c` has its
///    float32 exponent (≥ −126);
/// 2. `emax` is the largest term exponent, zero terms ignored (counted as −126);
/// 3. each term is truncated toward zero to a multiple of `unit = 2^(emax − 13)`, and the
///    truncated terms are summed exactly;
/// 4. the sum is truncated toward zero to 14 significant bits (1 + 13 fraction bits; exponent
///    clamped at −126) and returned as a `float`.
///
/// Any NaN or Inf among the inputs gives the plain IEEE result in `double`, cast to `float`.
/// DeepSeek-V3 promotes to fp32 every 128 elements (4 steps); [Fp8Gemm] does that with
/// [#block]. Not checked against a real H200 here (`docs/fp8.md#what-is-simplified`).
///
/// Implementation: products of FP8 values and `c · 2^(13−emax)` are exact in `double`, and
/// `(long)` truncates toward zero, so step 3 is one multiply and one cast per term.
public final class TensorCoreAccumulator {

    /// Fraction bits kept by the accumulator (e8m13).
    public static final int FRACTION_BITS = 13;
    /// Products per `wgmma` step for FP8 inputs.
    public static final int K_STEP = 32;

    /// Exponent-table entry of a zero code: so negative that no sum of two reaches emax's floor.
    static final int ZERO_EXPONENT = -(1 << 20);
    /// Exponent-table entry of a NaN/Inf code: so large that any product holding it flags the step.
    static final int NONFINITE_EXPONENT = 1 << 24;
    private static final int NONFINITE_THRESHOLD = 1 << 16;

    private TensorCoreAccumulator() {
    }

    /// The exponent of each code of `f` as step 1 uses it (`[256]`), with the two sentinels above.
    public static int[] exponentTable(Fp8Format f) {
        int[] t = new int[256];
        for (int c = 0; c < 256; c++) {
            float v = f.decode(c);
            int field = (c >>> f.mantissaBits) & ((1 << f.exponentBits) - 1);
            if (!Float.isFinite(v)) {
                t[c] = NONFINITE_EXPONENT;
            } else if (v == 0f) {
                t[c] = ZERO_EXPONENT;
            } else {
                t[c] = field == 0 ? 1 - f.bias : field - f.bias;
            }
        }
        return t;
    }

    /// One `wgmma` step over codes: `a` in format `fa`, `b` in `fb` (equal lengths, normally 32).
    public static float fusedDotAdd(Fp8Format fa, byte[] a, Fp8Format fb, byte[] b, float c) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("fusedDotAdd: a has length " + a.length + " but b has length " + b.length);
        }
        float[] va = new float[a.length];
        float[] vb = new float[b.length];
        int[] ea = new int[a.length];
        int[] eb = new int[b.length];
        int[] ta = exponentTable(fa);
        int[] tb = exponentTable(fb);
        for (int i = 0; i < a.length; i++) {
            va[i] = fa.decode(a[i]);
            vb[i] = fb.decode(b[i]);
            ea[i] = ta[a[i] & 0xFF];
            eb[i] = tb[b[i] & 0xFF];
        }
        return fusedDotAdd(va, ea, 0, vb, eb, 0, a.length, c);
    }

    /// One `wgmma` step on decoded operands: `a[aOff..aOff+len)` with exponents `ea` (from
    /// [#exponentTable]), likewise `b`, added to `c`.
    public static float fusedDotAdd(float[] a, int[] ea, int aOff, // [.., len]
                                    float[] b, int[] eb, int bOff, // [.., len]
                                    int len, float c) {
        // 1-2. emax over the products and c (zeros count as -126)
        int emax = -126;
        for (int i = 0; i < len; i++) {
            emax = Math.max(emax, ea[aOff + i] + eb[bOff + i]);
        }
        if (emax >= NONFINITE_THRESHOLD || !Float.isFinite(c)) {
            double s = c;
            for (int i = 0; i < len; i++) {
                s += (double) a[aOff + i] * b[bOff + i];
            }
            return (float) s;
        }
        if (c != 0f) {
            emax = Math.max(emax, Math.max(Math.getExponent(c), -126));
        }
        // 3. truncate every term to a multiple of 2^(emax-13) and sum exactly (in units)
        double toUnits = Math.scalb(1.0, FRACTION_BITS - emax);
        long s = (long) (c * toUnits);
        for (int i = 0; i < len; i++) {
            s += (long) ((double) a[aOff + i] * b[bOff + i] * toUnits);
        }
        if (s == 0) {
            return 0f;
        }
        // 4. normalise: keep 14 significant bits, truncating toward zero
        long mag = Math.abs(s);
        int e = 63 - Long.numberOfLeadingZeros(mag) + emax - FRACTION_BITS; // floor(log2 |S|)
        e = Math.max(e, -126);
        int drop = e - emax;
        if (drop > 0) {
            mag = (mag >>> drop) << drop;
        }
        return (float) Math.scalb((double) (s < 0 ? -mag : mag), emax - FRACTION_BITS);
    }

    /// The tensor-core partial sum of `len` products: `ceil(len/32)` [#fusedDotAdd] steps chained
    /// through the accumulator, starting from 0 (DeepGEMM resets it for every 128-wide K block).
    public static float block(float[] a, int[] ea, int aOff, // [.., len]
                              float[] b, int[] eb, int bOff, // [.., len]
                              int len) {
        float c = 0f;
        for (int k = 0; k < len; k += K_STEP) {
            c = fusedDotAdd(a, ea, aOff + k, b, eb, bOff + k, Math.min(K_STEP, len - k), c);
        }
        return c;
    }
}
