package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/// Golden vectors (float32 → E4M3FN / E5M2, both overflow modes, and FNUZ), typed in by hand from
/// the common answer of ml_dtypes, PyTorch's c10 and CUDA's converter (`docs/fp8.md#rounding`). For rows 54-57, where libraries disagree, the
/// expected codes are the conventions this package chose (OCP spec: saturating Inf → ±max;
/// NaN → 0x7F | sign).
class GoldenVectorsTest {

    /// {float32 bits, E4M3FN nonsat, E4M3FN sat, E5M2 nonsat, E5M2 sat}
    private static final int[][] MAIN = {
            {0x00000000, 0x00, 0x00, 0x00, 0x00}, // 1  0.0
            {0x80000000, 0x80, 0x80, 0x80, 0x80}, // 2  -0.0
            {0x3f800000, 0x38, 0x38, 0x3C, 0x3C}, // 3  1.0
            {0xbf800000, 0xB8, 0xB8, 0xBC, 0xBC}, // 4  -1.0
            {0x3f000000, 0x30, 0x30, 0x38, 0x38}, // 5  0.5
            {0x40000000, 0x40, 0x40, 0x40, 0x40}, // 6  2.0
            {0xc0600000, 0xC6, 0xC6, 0xC3, 0xC3}, // 7  -3.5
            {0x3f880000, 0x38, 0x38, 0x3C, 0x3C}, // 8  1.0625 tie
            {0x3f880001, 0x39, 0x39, 0x3C, 0x3C}, // 9  nextup(1.0625)
            {0x3f900000, 0x39, 0x39, 0x3C, 0x3C}, // 10 1.125
            {0x3f980000, 0x3A, 0x3A, 0x3D, 0x3D}, // 11 1.1875
            {0x3fb00000, 0x3B, 0x3B, 0x3E, 0x3E}, // 12 1.375
            {0x41880000, 0x58, 0x58, 0x4C, 0x4C}, // 13 17
            {0x41980000, 0x5A, 0x5A, 0x4D, 0x4D}, // 14 19
            {0x3dcccccd, 0x1D, 0x1D, 0x2E, 0x2E}, // 15 0.1f
            {0x40490fdb, 0x45, 0x45, 0x42, 0x42}, // 16 pi
            {0x43700000, 0x77, 0x77, 0x5C, 0x5C}, // 17 240
            {0x43800000, 0x78, 0x78, 0x5C, 0x5C}, // 18 256
            {0x43d00000, 0x7D, 0x7D, 0x5E, 0x5E}, // 19 416
            {0x43d80000, 0x7E, 0x7E, 0x5F, 0x5F}, // 20 432
            {0x43e00000, 0x7E, 0x7E, 0x5F, 0x5F}, // 21 448
            {0xc3e00000, 0xFE, 0xFE, 0xDF, 0xDF}, // 22 -448
            {0x43e7ffff, 0x7E, 0x7E, 0x5F, 0x5F}, // 23 nextdown(464)
            {0x43e80000, 0x7E, 0x7E, 0x5F, 0x5F}, // 24 464
            {0x43e80001, 0x7F, 0x7E, 0x5F, 0x5F}, // 25 nextup(464)
            {0x43f00000, 0x7F, 0x7E, 0x60, 0x60}, // 26 480
            {0x43fa0000, 0x7F, 0x7E, 0x60, 0x60}, // 27 500
            {0x49742400, 0x7F, 0x7E, 0x7C, 0x7B}, // 28 1e6
            {0xc9742400, 0xFF, 0xFE, 0xFC, 0xFB}, // 29 -1e6
            {0x3c800000, 0x08, 0x08, 0x24, 0x24}, // 30 2^-6
            {0x3c600000, 0x07, 0x07, 0x23, 0x23}, // 31 7*2^-9
            {0x3c700000, 0x08, 0x08, 0x24, 0x24}, // 32 7.5*2^-9
            {0x3c000000, 0x04, 0x04, 0x20, 0x20}, // 33 2^-7
            {0x3c23d70a, 0x05, 0x05, 0x21, 0x21}, // 34 0.01f
            {0x3b000000, 0x01, 0x01, 0x18, 0x18}, // 35 2^-9
            {0x3b400000, 0x02, 0x02, 0x1A, 0x1A}, // 36 3*2^-10
            {0x3ba00000, 0x02, 0x02, 0x1D, 0x1D}, // 37 5*2^-10
            {0x3a800000, 0x00, 0x00, 0x14, 0x14}, // 38 2^-10
            {0x3a800001, 0x01, 0x01, 0x14, 0x14}, // 39 nextup(2^-10)
            {0x3a83126f, 0x01, 0x01, 0x14, 0x14}, // 40 0.001f
            {0xba000000, 0x80, 0x80, 0x90, 0x90}, // 41 -2^-11
            {0x38800000, 0x00, 0x00, 0x04, 0x04}, // 42 2^-14
            {0x38400000, 0x00, 0x00, 0x03, 0x03}, // 43 3*2^-16
            {0x38600000, 0x00, 0x00, 0x04, 0x04}, // 44 3.5*2^-16
            {0x37800000, 0x00, 0x00, 0x01, 0x01}, // 45 2^-16
            {0x37000000, 0x00, 0x00, 0x00, 0x00}, // 46 2^-17
            {0x37000001, 0x00, 0x00, 0x01, 0x01}, // 47 nextup(2^-17)
            {0x47600000, 0x7F, 0x7E, 0x7B, 0x7B}, // 48 57344
            {0x476fffff, 0x7F, 0x7E, 0x7B, 0x7B}, // 49 nextdown(61440)
            {0x47700000, 0x7F, 0x7E, 0x7C, 0x7B}, // 50 61440
            {0x47800000, 0x7F, 0x7E, 0x7C, 0x7B}, // 51 65536
            {0x00000001, 0x00, 0x00, 0x00, 0x00}, // 52 float32 min subnormal
            {0x7f7fffff, 0x7F, 0x7E, 0x7C, 0x7B}, // 53 float32 max
            {0x7f800000, 0x7F, 0x7E, 0x7C, 0x7B}, // 54 +Inf (sat: OCP/CUDA ±max)
            {0xff800000, 0xFF, 0xFE, 0xFC, 0xFB}, // 55 -Inf
            {0x7fc00000, 0x7F, 0x7F, 0x7F, 0x7F}, // 56 NaN (E5M2: torch 0x7F)
            {0xffc00000, 0xFF, 0xFF, 0xFF, 0xFF}, // 57 -NaN (sign kept, as ml_dtypes/torch)
    };

    @Test
    void mainTableOfSpecSection3_1() {
        for (int[] row : MAIN) {
            float x = Float.intBitsToFloat(row[0]);
            String what = "input " + x + " (bits 0x" + Integer.toHexString(row[0]) + ")";
            assertThat(Fp8Format.E4M3FN.encode(x, Overflow.NON_SATURATE)).as("E4M3FN nonsat " + what).isEqualTo(row[1]);
            assertThat(Fp8Format.E4M3FN.encode(x, Overflow.SATURATE)).as("E4M3FN sat " + what).isEqualTo(row[2]);
            assertThat(Fp8Format.E5M2.encode(x, Overflow.NON_SATURATE)).as("E5M2 nonsat " + what).isEqualTo(row[3]);
            assertThat(Fp8Format.E5M2.encode(x, Overflow.SATURATE)).as("E5M2 sat " + what).isEqualTo(row[4]);
        }
    }

    @Test
    void decodedValuesOfTheMainTable() {
        assertThat(Fp8Format.E4M3FN.decode(0x1D)).isEqualTo(0.1015625f);
        assertThat(Fp8Format.E5M2.decode(0x2E)).isEqualTo(0.09375f);
        assertThat(Fp8Format.E4M3FN.decode(0x45)).isEqualTo(3.25f);
        assertThat(Fp8Format.E4M3FN.decode(0x7E)).isEqualTo(448f);
        assertThat(Fp8Format.E5M2.decode(0x7B)).isEqualTo(57344f);
        assertThat(Fp8Format.E5M2.decode(0x7C)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Fp8Format.E5M2.decode(0xFC)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Fp8Format.E4M3FN.decode(0x05)).isEqualTo(0.009765625f);
        assertThat(Fp8Format.E5M2.decode(0x1A)).isEqualTo(0.0029296875f);
        assertThat(Fp8Format.E4M3FN.decode(0x7F)).isNaN();
        assertThat(Fp8Format.E4M3FN.decode(0xFF)).isNaN();
        assertThat(Float.floatToRawIntBits(Fp8Format.E4M3FN.decode(0x80))).isEqualTo(0x80000000);
        assertThat(Fp8Format.E4M3FN.minSubnormal()).isEqualTo(0x1p-9f);
        assertThat(Fp8Format.E4M3FN.minNormal()).isEqualTo(0x1p-6f);
        assertThat(Fp8Format.E5M2.minSubnormal()).isEqualTo(0x1p-16f);
        assertThat(Fp8Format.E4M3FNUZ.maxValue()).isEqualTo(240f);
        assertThat(Fp8Format.E5M2FNUZ.maxValue()).isEqualTo(57344f);
        assertThat(Fp8Format.E4M3FNUZ.minNormal()).isEqualTo(0x1p-7f);
        assertThat(Fp8Format.E5M2FNUZ.minSubnormal()).isEqualTo(0x1p-17f);
    }

    /// FNUZ, ml_dtypes non-saturating: {input, E4M3FNUZ, E5M2FNUZ}
    @Test
    void fnuzSpotChecksOfSection3_2() {
        float[] inputs = {1.0f, 240f, 248f, 57344f, -0.0f, 0x1p-10f, 0x1p-11f, 0x1p-17f, Float.NaN};
        int[] e4 = {0x40, 0x7F, 0x80, 0x80, 0x00, 0x01, 0x00, 0x00, 0x80};
        int[] e5 = {0x40, 0x60, 0x60, 0x7F, 0x00, 0x18, 0x14, 0x01, 0x80};
        for (int i = 0; i < inputs.length; i++) {
            assertThat(Fp8Format.E4M3FNUZ.encode(inputs[i], Overflow.NON_SATURATE)).as("E4M3FNUZ " + inputs[i]).isEqualTo(e4[i]);
            assertThat(Fp8Format.E5M2FNUZ.encode(inputs[i], Overflow.NON_SATURATE)).as("E5M2FNUZ " + inputs[i]).isEqualTo(e5[i]);
        }
        assertThat(Fp8Format.E4M3FNUZ.encode(248f, Overflow.SATURATE)).isEqualTo(0x7F);
        assertThat(Fp8Format.E4M3FNUZ.encode(-1e9f, Overflow.SATURATE)).isEqualTo(0xFF);
        assertThat(Fp8Format.E4M3FNUZ.encode(-1e-9f, Overflow.SATURATE)).as("underflow: no -0 in FNUZ").isEqualTo(0x00);
        assertThat(Fp8Format.E5M2FNUZ.encode(Float.NEGATIVE_INFINITY, Overflow.NON_SATURATE)).isEqualTo(0x80);
        // docs/fp8.md#pitfalls: FNUZ ±Inf is NaN (0x80) also when saturating; finite overflow is ±max
        for (Fp8Format f : new Fp8Format[] {Fp8Format.E4M3FNUZ, Fp8Format.E5M2FNUZ}) {
            assertThat(f.encode(Float.POSITIVE_INFINITY, Overflow.SATURATE)).as(f + " +Inf sat").isEqualTo(0x80);
            assertThat(f.encode(Float.NEGATIVE_INFINITY, Overflow.SATURATE)).as(f + " -Inf sat").isEqualTo(0x80);
            assertThat(f.encode(Float.MAX_VALUE, Overflow.SATURATE)).as(f + " FLT_MAX sat").isEqualTo(0x7F);
            assertThat(f.encode(Float.POSITIVE_INFINITY, Overflow.SATURATE_ALL)).as(f + " +Inf sat-all").isEqualTo(0x7F);
            assertThat(f.encode(Float.NEGATIVE_INFINITY, Overflow.SATURATE_ALL)).as(f + " -Inf sat-all").isEqualTo(0xFF);
        }
        // OCP formats: SATURATE_ALL is SATURATE (±Inf -> ±max, OCP §5.2.1)
        assertThat(Fp8Format.E4M3FN.encode(Float.NEGATIVE_INFINITY, Overflow.SATURATE_ALL)).isEqualTo(0xFE);
        assertThat(Fp8Format.E5M2.encode(Float.POSITIVE_INFINITY, Overflow.SATURATE_ALL)).isEqualTo(0x7B);
    }

    /// docs/fp8.md#e8m0-scales: the ml_dtypes-style E8M0 cast, and exact powers of two.
    @Test
    void e8m0CastOfSection2_5() {
        float nextDown15 = Math.nextDown(1.5f);
        float[] inputs = {1.0f, 1.5f, nextDown15, 3.0f, 5.0f, 0x1p127f, 1.5f * 0x1p127f, Float.intBitsToFloat(0x00400000)};
        int[] nonsat = {0x7F, 0x80, 0x7F, 0x81, 0x81, 0xFE, 0xFF, 0x00};
        int[] sat = {0x7F, 0x80, 0x7F, 0x81, 0x81, 0xFE, 0xFE, 0x00};
        for (int i = 0; i < inputs.length; i++) {
            assertThat(E8M0.encode(inputs[i], Overflow.NON_SATURATE)).as("nonsat " + inputs[i]).isEqualTo(nonsat[i]);
            assertThat(E8M0.encode(inputs[i], Overflow.SATURATE)).as("sat " + inputs[i]).isEqualTo(sat[i]);
        }
        assertThat(E8M0.encode(0f, Overflow.NON_SATURATE)).isEqualTo(0xFF);
        assertThat(E8M0.encode(0f, Overflow.SATURATE)).isEqualTo(0x00);
        assertThat(E8M0.encode(-1f, Overflow.NON_SATURATE)).isEqualTo(0xFF);
        assertThat(E8M0.encode(-1f, Overflow.SATURATE)).isEqualTo(0x00);
        // the PyTorch column of the same table
        int[] torch = {0x7F, 0x80, 0x7F, 0x81, 0x81, 0xFE, 0xFF, 0x00};
        for (int i = 0; i < inputs.length; i++) {
            assertThat(E8M0.encodePyTorch(inputs[i])).as("torch " + inputs[i]).isEqualTo(torch[i]);
        }
        assertThat(E8M0.encodePyTorch(0f)).isEqualTo(0x00);
        assertThat(E8M0.encodePyTorch(-1f)).as("PyTorch ignores the sign").isEqualTo(0x7F);
        for (float special : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertThat(E8M0.encodePyTorch(special)).isEqualTo(0xFF);
            assertThat(E8M0.encode(special, Overflow.NON_SATURATE)).isEqualTo(0xFF);
            assertThat(E8M0.encode(special, Overflow.SATURATE)).isEqualTo(0xFF);
        }
    }
}
