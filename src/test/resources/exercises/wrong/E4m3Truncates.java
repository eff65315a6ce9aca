import dev.tinyseek.exercises.E4m3Exercise;

/// WRONG on purpose: drops the bits below the mantissa instead of rounding (truncation toward zero).
public class E4m3Truncates implements E4m3Exercise {

    @Override
    public int encode(float x, boolean saturate) {
        int bits = Float.floatToRawIntBits(x);
        int sign = (bits >>> 24) & 0x80;
        if (Float.isNaN(x)) {
            return 0x7F | sign;
        }
        if (Float.isInfinite(x)) {
            return (saturate ? 0x7E : 0x7F) | sign;
        }
        int mag = bits & 0x7FFFFFFF;
        if (mag == 0) {
            return sign;
        }
        // |x| = m · 2^(e − 23) with m the 24-bit significand
        int e = (mag >>> 23) == 0 ? -126 : (mag >>> 23) - 127;
        long m = (mag >>> 23) == 0 ? (mag & 0x7FFFFF) : ((mag & 0x7FFFFF) | 0x800000);
        // the E4M3 grid around |x|: spacing 2^(e − 3) for e ≥ −6, 2^-9 below
        int gridExp = Math.max(e, -6) - 3;
        int drop = gridExp - (e - 23); // bits of m below the grid
        long units; // |x| in grid units, rounded to nearest even
        if (drop >= 40) {
            units = 0;
        } else {
            units = m >>> drop;
            // forgot to round: the bits below the grid are dropped (truncation toward zero)
        }
        // back to a code: value = units · 2^gridExp
        int code;
        if (gridExp == -9) {
            code = (int) units; // subnormal (units ≤ 8: 8 is the smallest normal, code 0x08)
        } else {
            int exp = e, mant = (int) units - 8; // units in [8, 16]
            if (units == 16) {
                exp++;
                mant = 0;
            }
            code = ((exp + 7) << 3) | mant;
        }
        if (code > 0x7E) {
            return (saturate ? 0x7E : 0x7F) | sign;
        }
        return code | sign;
    }
}
