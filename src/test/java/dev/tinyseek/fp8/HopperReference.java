package dev.tinyseek.fp8;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/// An independent, slow `BigDecimal` transcription of the e8m13 fused dot-add (`docs/fp8.md#the-tensor-core-accumulator`),
/// reading exponents and significands straight from the code bits.
final class HopperReference {

    private HopperReference() {
    }

    /// {exponent, exact significand} of a finite nonzero code; null for zero.
    private static Object[] split(Fp8Format f, int code) {
        int field = (code >>> f.mantissaBits) & ((1 << f.exponentBits) - 1);
        int man = code & ((1 << f.mantissaBits) - 1);
        boolean neg = (code & 0x80) != 0;
        if (field == 0 && man == 0) {
            return null;
        }
        BigDecimal sig = field == 0
                ? BigDecimal.valueOf(man).multiply(ExactReference.pow2(-f.mantissaBits))
                : BigDecimal.valueOf((1L << f.mantissaBits) + man).multiply(ExactReference.pow2(-f.mantissaBits));
        int exp = field == 0 ? 1 - f.bias : field - f.bias;
        return new Object[] {exp, neg ? sig.negate() : sig};
    }

    static float fusedDotAdd(Fp8Format fa, byte[] a, Fp8Format fb, byte[] b, float c) {
        int n = a.length;
        int[] exps = new int[n + 1];
        BigDecimal[] terms = new BigDecimal[n + 1];
        int emax = -126;
        for (int i = 0; i < n; i++) {
            Object[] x = split(fa, a[i] & 0xFF);
            Object[] y = split(fb, b[i] & 0xFF);
            if (x == null || y == null) {
                terms[i] = BigDecimal.ZERO;
                continue;
            }
            exps[i] = (int) x[0] + (int) y[0];
            terms[i] = ((BigDecimal) x[1]).multiply((BigDecimal) y[1]).multiply(ExactReference.pow2(exps[i]));
            emax = Math.max(emax, exps[i]);
        }
        terms[n] = new BigDecimal(c);
        if (c != 0f) {
            emax = Math.max(emax, Math.max(-126, Math.getExponent(c)));
        }
        BigDecimal toUnits = ExactReference.pow2(13 - emax);
        BigInteger s = BigInteger.ZERO;
        for (BigDecimal t : terms) {
            s = s.add(t.multiply(toUnits).setScale(0, RoundingMode.DOWN).toBigIntegerExact());
        }
        if (s.signum() == 0) {
            return 0f;
        }
        int e = Math.max(-126, s.abs().bitLength() - 1 + emax - 13);
        BigDecimal sum = new BigDecimal(s).multiply(ExactReference.pow2(emax - 13));
        BigDecimal step = ExactReference.pow2(e - 13);
        BigDecimal truncated = sum.divide(step).setScale(0, RoundingMode.DOWN).multiply(step);
        return truncated.floatValue();
    }
}
