package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/// The scaling math at its boundaries: exact powers of two and their float neighbours, from the
/// smallest subnormal to the largest float, against oracles computed in `double` (where every
/// float, subnormals included, is a normal number).
class ScaleBoundariesTest {

    /// Every power of two a float holds, its two float neighbours, the 1.5 midpoints and their
    /// neighbours, the extremes, and random finite positive floats.
    static List<Float> positives() {
        List<Float> out = new ArrayList<>();
        for (int e = -149; e <= 127; e++) {
            float p = Math.scalb(1f, e);
            out.add(p);
            out.add(Math.nextUp(p));
            out.add(Math.nextDown(p));
            if (e > -149) {
                float mid = 1.5f * p;
                out.add(mid);
                out.add(Math.nextUp(mid));
                out.add(Math.nextDown(mid));
            }
        }
        out.add(Float.MAX_VALUE);
        out.add(Float.MIN_NORMAL);
        out.add(448f);
        out.add(57344f);
        SplittableRandom rnd = new SplittableRandom(0x5CA1E);
        for (int i = 0; i < 2000; i++) {
            out.add(Float.intBitsToFloat(rnd.nextInt(1, 0x7F800000)));
        }
        out.removeIf(v -> !(v > 0) || Float.isInfinite(v));
        return out;
    }

    static int floorLog2(double v) {
        return Math.getExponent(v); // exact: v is a normal double
    }

    static int ceilLog2(double v) {
        int e = Math.getExponent(v);
        return v == Math.scalb(1.0, e) ? e : e + 1;
    }

    @Test
    void log2sAreExactAtPowersOfTwoAndTheirNeighbours() {
        for (float v : positives()) {
            assertThat(ScaleMath.floorLog2(v)).as("floor log2 %s", v).isEqualTo(floorLog2(v));
            assertThat(ScaleMath.ceilLog2(v)).as("ceil log2 %s", v).isEqualTo(ceilLog2(v));
        }
    }

    @Test
    void ceilPowerOfTwoIsTheSmallestPowerNotBelowClampedToTheNormalRange() {
        for (float v : positives()) {
            float want = (float) Math.scalb(1.0, Math.min(127, Math.max(-126, ceilLog2(v))));
            assertThat(ScaleMath.ceilPowerOfTwo(v)).as("%s", v).isEqualTo(want);
            assertThat(ScaleMath.ceilPowerOfTwo(-v)).as("sign ignored: %s", -v).isEqualTo(want);
        }
        assertThat(ScaleMath.ceilPowerOfTwo(0f)).isEqualTo(Float.MIN_NORMAL);
        assertThat(ScaleMath.ceilPowerOfTwo(Float.NaN)).isNaN();
    }

    /// ml_dtypes-style E8M0: the nearest power of two, a significand of 1.5 or more rounding up,
    /// codes clamped at 0 below and, above 2^127, 0xFE (saturating) or 0xFF (not).
    @Test
    void e8m0EncodeRoundsToTheNearestPowerOfTwoEverywhere() {
        for (float v : positives()) {
            int f = floorLog2(v);
            int code = f + 127 + (v / Math.scalb(1.0, f) >= 1.5 ? 1 : 0);
            int sat = code > 254 ? 0xFE : Math.max(code, 0), nonsat = code > 254 ? 0xFF : Math.max(code, 0);
            assertThat(E8M0.encode(v, Overflow.SATURATE)).as("saturating %s", v).isEqualTo(sat);
            assertThat(E8M0.encode(v, Overflow.NON_SATURATE)).as("non-saturating %s", v).isEqualTo(nonsat);
        }
        assertThat(E8M0.encode(Math.scalb(1.5f, -127), Overflow.SATURATE)).isEqualTo(1);
        assertThat(E8M0.encode(Math.scalb(1f, -127), Overflow.SATURATE)).isEqualTo(0);
    }

    /// The MX shared exponent from a block's amax, both rules, both element formats, against
    /// `floor(log2 amax) − emax_elem` and `ceil(log2(amax / max_elem))` (the division in float).
    @Test
    void mxScaleExponentsAtEveryBoundary() {
        for (Fp8Format f : new Fp8Format[] {Fp8Format.E4M3FN, Fp8Format.E5M2}) {
            for (MxScaling.Rule rule : MxScaling.Rule.values()) {
                MxScaling mx = new MxScaling(32, f, rule);
                for (float amax : positives()) {
                    int k = switch (rule) {
                        case OCP_FLOOR -> floorLog2(amax) - Math.getExponent(f.maxValue());
                        case NVIDIA_RCEIL -> {
                            float d = amax / f.maxValue();
                            yield d == 0f ? -127 : ceilLog2(d);
                        }
                    };
                    float scale = mx.scaleFor(amax);
                    if (k > 127) {
                        assertThat(scale).as("%s %s amax %s", f, rule, amax).isNaN();
                    } else {
                        assertThat(scale).as("%s %s amax %s", f, rule, amax)
                                .isEqualTo(E8M0.decode(Math.max(k, -127) + 127));
                    }
                }
            }
        }
        // RCEIL at amax = 448 is exactly 2^0, code 127; one float step above needs 2^1
        MxScaling rceil = new MxScaling(32, Fp8Format.E4M3FN, MxScaling.Rule.NVIDIA_RCEIL);
        assertThat(E8M0.ofPowerOfTwo(rceil.scaleFor(448f))).isEqualTo(127);
        assertThat(E8M0.ofPowerOfTwo(rceil.scaleFor(Math.nextUp(448f)))).isEqualTo(128);
        assertThat(E8M0.ofPowerOfTwo(rceil.scaleFor(Float.MIN_VALUE))).isEqualTo(0);
        assertThat(rceil.scaleFor(Float.POSITIVE_INFINITY)).isNaN();
        assertThat(E8M0.ofPowerOfTwo(rceil.scaleFor(0f))).isEqualTo(0);
    }

    /// The tensor-core partial sum over any length, 32 not dividing it included, equals the
    /// independent reference's fused dot-add chained over steps of 32 and a shorter last step.
    @Test
    void tensorCoreBlockOfAnyLengthChainsTheSteps() {
        SplittableRandom rnd = new SplittableRandom(77);
        Fp8Format fa = Fp8Format.E4M3FN, fb = Fp8Format.E5M2;
        int[] ea = TensorCoreAccumulator.exponentTable(fa), eb = TensorCoreAccumulator.exponentTable(fb);
        for (int len : new int[] {1, 7, 31, 32, 33, 50, 64, 65, 97, 127, 128}) {
            for (int trial = 0; trial < 5; trial++) {
                byte[] a = new byte[len], b = new byte[len];
                float[] av = new float[len + 3], bv = new float[len + 5];
                int[] aexp = new int[len + 3], bexp = new int[len + 5];
                for (int i = 0; i < len; i++) {
                    a[i] = finite(fa, rnd);
                    b[i] = finite(fb, rnd);
                    av[i + 3] = fa.decode(a[i]);
                    bv[i + 5] = fb.decode(b[i]);
                    aexp[i + 3] = ea[a[i] & 0xFF];
                    bexp[i + 5] = eb[b[i] & 0xFF];
                }
                float want = 0f;
                for (int k = 0; k < len; k += 32) {
                    int n = Math.min(32, len - k);
                    want = HopperReference.fusedDotAdd(fa, java.util.Arrays.copyOfRange(a, k, k + n), fb,
                            java.util.Arrays.copyOfRange(b, k, k + n), want);
                }
                float got = TensorCoreAccumulator.block(av, aexp, 3, bv, bexp, 5, len);
                assertThat(got).as("len %d trial %d", len, trial).isEqualTo(want);
            }
        }
    }

    static byte finite(Fp8Format f, SplittableRandom rnd) {
        while (true) {
            int c = rnd.nextInt(256);
            if (Float.isFinite(f.decode(c))) {
                return (byte) c;
            }
        }
    }
}
