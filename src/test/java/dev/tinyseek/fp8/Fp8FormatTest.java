package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/// Properties of the four FP8 codecs: all 256 codes round trip, encoding equals an exact
/// `BigDecimal` reference ([ExactReference]) on every midpoint, its float neighbours and seeded
/// random floats, monotonicity and sign symmetry.
class Fp8FormatTest {

    private static final long SEED = 0x5EED_F8L;

    @ParameterizedTest
    @EnumSource(Fp8Format.class)
    void all256CodesDecodeExactlyAndReEncode(Fp8Format f) {
        ExactReference ref = ExactReference.of(f);
        for (int c = 0; c < 256; c++) {
            float v = f.decode(c);
            boolean negative = (Float.floatToRawIntBits(v) & 0x80000000) != 0;
            if (Float.isNaN(v)) {
                assertThat(f.isNaN(c)).isTrue();
                int canonical = f.encode(v, Overflow.NON_SATURATE);
                assertThat(canonical).as("%s NaN code 0x%02X re-encodes to the canonical NaN", f, c)
                        .isEqualTo(f.nanCode(negative));
                assertThat(f.decode(canonical)).isNaN();
                continue;
            }
            assertThat(f.encode(v, Overflow.NON_SATURATE)).as("%s code 0x%02X (%s)", f, c, v).isEqualTo(c);
            if (!Float.isInfinite(v)) {
                assertThat(f.encode(v, Overflow.SATURATE)).as("%s sat code 0x%02X", f, c).isEqualTo(c);
                BigDecimal exact = ref.value(c & 0x7F);
                assertThat(new BigDecimal(Math.abs(v))).as("%s value of 0x%02X", f, c).isEqualByComparingTo(exact);
            } else {
                assertThat(f.encode(v, Overflow.SATURATE)).isEqualTo(f.maxCode | (negative ? 0x80 : 0));
            }
        }
        // the NaN codes are exactly the documented ones
        List<Integer> nans = new ArrayList<>();
        for (int c = 0; c < 256; c++) {
            if (f.isNaN(c)) {
                nans.add(c);
            }
        }
        List<Integer> expected = switch (f) {
            case E4M3FN -> List.of(0x7F, 0xFF);
            case E5M2 -> List.of(0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF);
            case E4M3FNUZ, E5M2FNUZ -> List.of(0x80);
        };
        assertThat(nans).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Fp8Format.class)
    void encodeEqualsExactReferenceOnMidpointsNeighboursAndRandomFloats(Fp8Format f) {
        ExactReference ref = ExactReference.of(f);
        List<Float> inputs = new ArrayList<>();
        // 1. every value, every midpoint (incl. the virtual one above max), and their float neighbours
        for (int c = 0; c <= f.maxCode; c++) {
            addWithNeighbours(inputs, f.decode(c));
        }
        for (float m : ref.midpoints()) {
            addWithNeighbours(inputs, m);
        }
        // 2. specials
        for (float s : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL, 0f}) {
            inputs.add(s);
            inputs.add(-s);
        }
        // 3. seeded random floats: any bit pattern, and log-uniform over the format's range
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < 20_000; i++) {
            inputs.add(Float.intBitsToFloat(rnd.nextInt()));
            double mag = Math.pow(2, rnd.nextDouble(Math.getExponent(f.minSubnormal()) - 3, Math.getExponent(f.maxValue()) + 2));
            inputs.add((float) (rnd.nextBoolean() ? mag : -mag));
        }
        for (float x : inputs) {
            for (Overflow o : Overflow.values()) {
                int got = f.encode(x, o);
                int want = ref.encode(x, o != Overflow.NON_SATURATE, o == Overflow.SATURATE_ALL);
                if (got != want) {
                    fail("%s %s: encode(%s, bits 0x%08X) = 0x%02X, exact reference says 0x%02X (seed 0x%X)",
                            f, o, x, Float.floatToRawIntBits(x), got, want, SEED);
                }
            }
        }
    }

    private static void addWithNeighbours(List<Float> out, float v) {
        for (float x : new float[] {v, Math.nextUp(v), Math.nextDown(v)}) {
            out.add(x);
            out.add(-x);
        }
    }

    @ParameterizedTest
    @EnumSource(Fp8Format.class)
    void roundingIsMonotonic(Fp8Format f) {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        float lim = f.maxValue() * 1.2f;
        for (int i = 0; i < 20_000; i++) {
            float x = (float) rnd.nextDouble(-lim, lim);
            float y = rnd.nextBoolean() ? Math.nextUp(x) : (float) rnd.nextDouble(x, lim);
            float rx = f.round(x, Overflow.SATURATE);
            float ry = f.round(y, Overflow.SATURATE);
            if (!(rx <= ry)) {
                fail("%s: x=%s <= y=%s but round(x)=%s > round(y)=%s (seed 0x%X)", f, x, y, rx, ry, SEED + 1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fp8Format.class)
    void signSymmetry(Fp8Format f) {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        for (int i = 0; i < 20_000; i++) {
            float x = Float.intBitsToFloat(rnd.nextInt() & 0x7FFFFFFF);
            for (Overflow o : Overflow.values()) {
                int p = f.encode(x, o);
                int n = f.encode(-x, o);
                boolean unsignedResult = f.fnuz && (p == 0 || p == 0x80);
                int expected = unsignedResult ? p : p ^ 0x80;
                if (n != expected) {
                    fail("%s %s: encode(-x) = 0x%02X but encode(x) = 0x%02X for x = %s (seed 0x%X)", f, o, n, p, x, SEED + 2);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fp8Format.class)
    void decodeArrayMatchesScalarDecode(Fp8Format f) {
        byte[] codes = new byte[256];
        for (int c = 0; c < 256; c++) {
            codes[c] = (byte) c;
        }
        float[] out = new float[256];
        f.decode(codes, out);
        float[] table = f.decodeTable();
        for (int c = 0; c < 256; c++) {
            assertThat(Float.floatToRawIntBits(out[c])).isEqualTo(Float.floatToRawIntBits(table[c]));
        }
    }

    @org.junit.jupiter.api.Test
    void e5m2IsTheTopByteOfHalf() {
        for (int c = 0; c < 256; c++) {
            float v = Fp8Format.E5M2.decode(c);
            float h = Fp16.decode(c << 8);
            assertThat(Float.isNaN(v) ? "NaN" : Float.toString(v)).as("code 0x%02X", c)
                    .isEqualTo(Float.isNaN(h) ? "NaN" : Float.toString(h));
        }
    }
}
