package dev.tinyseek.fp8;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/// A slow, independent FP8 encoder for the tests: exact `BigDecimal` arithmetic, nearest value
/// among all finite codes (ties to the code whose mantissa LSB, bit 0, is 0), then the overflow
/// rule against a virtual next value one step above the max. It builds its own value grid from
/// the bit-layout parameters written out here, not from [Fp8Format]'s tables.
final class ExactReference {

    final String name;
    final int mantissaBits;
    final int bias;
    final int exponentBits;
    final boolean fnuz;
    final boolean hasInf;
    final int maxCode;
    final int[] codes;          // positive finite codes, ascending by value
    final BigDecimal[] values;  // their exact values
    final BigDecimal virtualNext;

    ExactReference(String name, int exponentBits, int mantissaBits, int bias, boolean fnuz, boolean hasInf, int maxCode) {
        this.name = name;
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.fnuz = fnuz;
        this.hasInf = hasInf;
        this.maxCode = maxCode;
        List<Integer> cs = new ArrayList<>();
        for (int c = 0; c <= maxCode; c++) {
            cs.add(c); // codes 0..maxCode are the finite non-negative ones, ascending in value
        }
        codes = cs.stream().mapToInt(Integer::intValue).toArray();
        values = new BigDecimal[codes.length];
        for (int i = 0; i < codes.length; i++) {
            values[i] = value(codes[i]);
        }
        int e = maxCode >>> mantissaBits;
        BigDecimal step = pow2(e - bias - mantissaBits);
        virtualNext = values[values.length - 1].add(step);
    }

    static ExactReference of(Fp8Format f) {
        return switch (f) {
            case E4M3FN -> new ExactReference("E4M3FN", 4, 3, 7, false, false, 0x7E);
            case E5M2 -> new ExactReference("E5M2", 5, 2, 15, false, true, 0x7B);
            case E4M3FNUZ -> new ExactReference("E4M3FNUZ", 4, 3, 8, true, false, 0x7F);
            case E5M2FNUZ -> new ExactReference("E5M2FNUZ", 5, 2, 16, true, false, 0x7F);
        };
    }

    static BigDecimal pow2(int k) {
        return k >= 0 ? new BigDecimal(java.math.BigInteger.ONE.shiftLeft(k))
                : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-k)));
    }

    /// Exact value of a positive code by the textbook formula.
    BigDecimal value(int code) {
        int e = code >>> mantissaBits;
        int m = code & ((1 << mantissaBits) - 1);
        if (e == 0) {
            return BigDecimal.valueOf(m).multiply(pow2(1 - bias - mantissaBits));
        }
        return BigDecimal.valueOf((1L << mantissaBits) + m).multiply(pow2(e - bias - mantissaBits));
    }

    int nan(boolean negative) {
        return fnuz ? 0x80 : (negative ? 0xFF : 0x7F);
    }

    int overflow(boolean negative, boolean saturate) {
        if (saturate) {
            return maxCode | (negative ? 0x80 : 0);
        }
        if (hasInf) {
            return 0x7C | (negative ? 0x80 : 0);
        }
        return nan(negative);
    }

    /// Encodes a float; NaN and Inf per docs/fp8.md#overflow-and-special-values; FNUZ ±Inf is
    /// NaN when saturating too (docs/fp8.md#pitfalls).
    int encode(float x, boolean saturate) {
        return encode(x, saturate, false);
    }

    /// As [#encode(float, boolean)]; `saturateInfinities` maps FNUZ ±Inf to ±max when saturating
    /// (`Overflow.SATURATE_ALL`).
    int encode(float x, boolean saturate, boolean saturateInfinities) {
        boolean negative = (Float.floatToRawIntBits(x) & 0x80000000) != 0;
        if (Float.isNaN(x)) {
            return nan(negative);
        }
        if (Float.isInfinite(x)) {
            return fnuz && !(saturate && saturateInfinities) ? nan(negative) : overflow(negative, saturate);
        }
        BigDecimal a = new BigDecimal(x).abs();
        BigDecimal max = values[values.length - 1];
        int code;
        if (a.compareTo(max) > 0) {
            int cmp = a.compareTo(max.add(virtualNext).divide(BigDecimal.valueOf(2)));
            boolean maxIsEven = (maxCode & 1) == 0;
            if (cmp < 0 || (cmp == 0 && maxIsEven)) {
                code = maxCode;
            } else {
                return overflow(negative, saturate);
            }
        } else {
            // binary search: largest index with value <= a
            int lo = 0;
            int hi = values.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (values[mid].compareTo(a) <= 0) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            if (values[lo].compareTo(a) == 0 || lo == values.length - 1) {
                code = codes[lo];
            } else {
                int cmp = a.subtract(values[lo]).compareTo(values[lo + 1].subtract(a));
                if (cmp < 0) {
                    code = codes[lo];
                } else if (cmp > 0) {
                    code = codes[lo + 1];
                } else {
                    code = (codes[lo] & 1) == 0 ? codes[lo] : codes[lo + 1];
                }
            }
        }
        if (code == 0 && fnuz) {
            return 0;
        }
        return code | (negative ? 0x80 : 0);
    }

    /// Every midpoint between adjacent non-negative finite values, and the one above the max.
    List<Float> midpoints() {
        List<Float> out = new ArrayList<>();
        for (int i = 0; i + 1 < values.length; i++) {
            out.add(values[i].add(values[i + 1]).divide(BigDecimal.valueOf(2)).floatValue());
        }
        out.add(values[values.length - 1].add(virtualNext).divide(BigDecimal.valueOf(2)).floatValue());
        return out;
    }
}
