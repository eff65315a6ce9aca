package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/// Worked values typed in by hand: the format parameters and value grid of `docs/fp8.md#the-formats`,
/// the examples of `docs/fp8.md#rounding` and `docs/fp8.md#quantise-from-float-only`, the MX scale rules of
/// `docs/fp8.md#mx-scaling` and the block layout of `docs/fp8.md#checkpoint-storage`.
class SpecTablesTest {

    private static int count(Fp8Format f, java.util.function.IntPredicate p) {
        int n = 0;
        for (int c = 0; c < 256; c++) {
            if (p.test(c)) {
                n++;
            }
        }
        return n;
    }

    /// docs/fp8.md#the-formats: bias, max finite (code), min normal (code), min subnormal (code), NaN and Inf codes.
    @Test
    void parameterTableOfSection1_1() {
        // E4M3FN: bias 7, no Inf, NaN only 0x7F / 0xFF, max 448 = 0x7E, 2^-6 = 0x08, 2^-9 = 0x01, ±0
        Fp8Format f = Fp8Format.E4M3FN;
        assertThat(f.bias).isEqualTo(7);
        assertThat(f.maxCode).isEqualTo(0x7E);
        assertThat(f.decode(0x7E)).isEqualTo(448f);
        assertThat(f.decode(0x08)).isEqualTo(0x1p-6f);
        assertThat(f.decode(0x01)).isEqualTo(0x1p-9f);
        assertThat(count(f, f::isNaN)).isEqualTo(2);
        assertThat(f.isNaN(0x7F)).isTrue();
        assertThat(f.isNaN(0xFF)).isTrue();
        assertThat(count(f, c -> Float.isInfinite(f.decode(c)))).isZero();
        assertThat(Float.floatToRawIntBits(f.decode(0x80))).isEqualTo(0x80000000);
        // E5M2: bias 15, Inf 0x7C / 0xFC, NaN 0x7D-0x7F and 0xFD-0xFF, max 57344 = 0x7B, 2^-14 = 0x04, 2^-16 = 0x01
        Fp8Format e5 = Fp8Format.E5M2;
        assertThat(e5.bias).isEqualTo(15);
        assertThat(e5.maxCode).isEqualTo(0x7B);
        assertThat(e5.decode(0x7B)).isEqualTo(57344f);
        assertThat(e5.decode(0x04)).isEqualTo(0x1p-14f);
        assertThat(e5.decode(0x01)).isEqualTo(0x1p-16f);
        assertThat(count(e5, e5::isNaN)).isEqualTo(6);
        for (int c : new int[] {0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF}) {
            assertThat(e5.isNaN(c)).as("E5M2 0x%02X", c).isTrue();
        }
        assertThat(count(e5, c -> Float.isInfinite(e5.decode(c)))).isEqualTo(2);
        // E4M3FNUZ: bias 8, NaN only 0x80, no -0, max 240 = 0x7F, 2^-7 = 0x08, 2^-10 = 0x01
        Fp8Format u4 = Fp8Format.E4M3FNUZ;
        assertThat(u4.bias).isEqualTo(8);
        assertThat(u4.decode(0x7F)).isEqualTo(240f);
        assertThat(u4.decode(0xFF)).isEqualTo(-240f);
        assertThat(u4.decode(0x08)).isEqualTo(0x1p-7f);
        assertThat(u4.decode(0x01)).isEqualTo(0x1p-10f);
        assertThat(count(u4, u4::isNaN)).isEqualTo(1);
        assertThat(u4.isNaN(0x80)).isTrue();
        // E5M2FNUZ: bias 16, NaN only 0x80, max 57344 = 0x7F, 2^-15 = 0x04, 2^-17 = 0x01
        Fp8Format u5 = Fp8Format.E5M2FNUZ;
        assertThat(u5.bias).isEqualTo(16);
        assertThat(u5.decode(0x7F)).isEqualTo(57344f);
        assertThat(u5.decode(0x04)).isEqualTo(0x1p-15f);
        assertThat(u5.decode(0x01)).isEqualTo(0x1p-17f);
        assertThat(count(u5, u5::isNaN)).isEqualTo(1);
        assertThat(count(u5, c -> Float.isInfinite(u5.decode(c)))).isZero();
        // E8M0FNU: unsigned, no zero, 0xFE = 2^127, 0x00 = 2^-127 (float bits 0x00400000), 0xFF NaN
        assertThat(E8M0.decode(0xFE)).isEqualTo(0x1p127f);
        assertThat(Float.floatToRawIntBits(E8M0.decode(0x00))).isEqualTo(0x00400000);
        assertThat(E8M0.decode(0x7F)).isEqualTo(1f);
        assertThat(E8M0.decode(0xFF)).isNaN();
    }

    /// docs/fp8.md#decoding-a-code: rows of the E4M3FN and E5M2 value grids.
    @Test
    void valueGridOfSection1_3() {
        Fp8Format f = Fp8Format.E4M3FN;
        float[] field7 = {1f, 1.125f, 1.25f, 1.375f, 1.5f, 1.625f, 1.75f, 1.875f};
        float[] field15 = {256f, 288f, 320f, 352f, 384f, 416f, 448f};
        for (int i = 0; i < 8; i++) {
            assertThat(f.decode(i)).as("0x%02X", i).isEqualTo(i * 0x1p-9f);
            assertThat(f.decode(0x08 + i)).isEqualTo(0.015625f + i * 0x1p-9f);
            assertThat(f.decode(0x38 + i)).isEqualTo(field7[i]);
            assertThat(f.decode(0x50 + i)).isEqualTo(8f + i);
            assertThat(f.decode(0x58 + i)).isEqualTo(16f + 2 * i);
            assertThat(f.decode(0x70 + i)).isEqualTo(128f + 16 * i);
            if (i < 7) {
                assertThat(f.decode(0x78 + i)).isEqualTo(field15[i]);
            }
        }
        assertThat(f.decode(0x7F)).isNaN();
        float[] e5field15 = {1f, 1.25f, 1.5f, 1.75f};
        float[] e5field30 = {32768f, 40960f, 49152f, 57344f};
        for (int i = 0; i < 4; i++) {
            assertThat(Fp8Format.E5M2.decode(0x3C + i)).isEqualTo(e5field15[i]);
            assertThat(Fp8Format.E5M2.decode(0x78 + i)).isEqualTo(e5field30[i]);
        }
    }

    /// docs/fp8.md#rounding: a mantissa carry into the exponent (1.9375, the tie 1.875 / 2 → the even 2.0), and
    /// docs/fp8.md#quantise-from-float-only: the double −431.99999999999994 is −432.0f as a float, a
    /// tie 416 / 448 that goes to the even −448 (0xFE), not to the true nearest −416 (0xFD).
    @Test
    void carryAndDoubleRoundingOfSections2_1And2_4() {
        assertThat(Fp8Format.E4M3FN.encode(1.9375f, Overflow.NON_SATURATE)).isEqualTo(0x40);
        assertThat(Fp8Format.E4M3FN.decode(0x40)).isEqualTo(2f);
        float viaFloat = (float) -431.99999999999994;
        assertThat(viaFloat).isEqualTo(-432f);
        assertThat(Fp8Format.E4M3FN.encode(viaFloat, Overflow.NON_SATURATE)).isEqualTo(0xFE);
        assertThat(Fp8Format.E4M3FN.decode(0xFD)).isEqualTo(-416f);
    }

    /// docs/fp8.md#mx-scaling with hand-computed exponents:
    /// - amax 511, E4M3: OCP floor(log2 511) − 8 = 0, X = 1, and 511 is clipped to 448 (0x7E);
    ///   RCEIL ceil(log2(511/448)) = ceil(0.19) = 1, X = 2, 511/2 = 255.5 → 256 (0x78);
    /// - amax 1 with 0.3f, E4M3: both rules give −8 (floor: 0 − 8; ceil(log2(1/448)) = ceil(−8.8)),
    ///   X = 2^-8 (E8M0 code 119 = 0x77); 1 → 256 (0x78), 0.3·256 = 76.8 → 80 (0x6A);
    /// - amax 1, E5M2: emax_elem 15, X = 2^-15, 1 → 32768 (0x78);
    /// - amax 2^-130 (a float subnormal): floor gives −138, clamped to −127 (code 0x00).
    @Test
    void mxScaleRulesOfSections4_3And4_4() {
        MxScaling ocp = new MxScaling(32, Fp8Format.E4M3FN, MxScaling.Rule.OCP_FLOOR);
        MxScaling rceil = new MxScaling(32, Fp8Format.E4M3FN, MxScaling.Rule.NVIDIA_RCEIL);
        BlockQuantized a = ocp.quantize(new float[] {511f}, 1, 1);
        assertThat(a.scales()[0]).isEqualTo(1f);
        assertThat(a.codes()[0] & 0xFF).isEqualTo(0x7E);
        BlockQuantized b = rceil.quantize(new float[] {511f}, 1, 1);
        assertThat(b.scales()[0]).isEqualTo(2f);
        assertThat(b.codes()[0] & 0xFF).isEqualTo(0x78);
        for (MxScaling mx : new MxScaling[] {ocp, rceil}) {
            BlockQuantized q = mx.quantize(new float[] {1f, 0.3f}, 1, 2);
            assertThat(MxScaling.scaleCodes(q)[0] & 0xFF).as("%s", mx.rule()).isEqualTo(0x77);
            assertThat(q.codes()[0] & 0xFF).isEqualTo(0x78);
            assertThat(q.codes()[1] & 0xFF).isEqualTo(0x6A);
        }
        BlockQuantized e5 = new MxScaling(32, Fp8Format.E5M2, MxScaling.Rule.OCP_FLOOR).quantize(new float[] {1f}, 1, 1);
        assertThat(e5.scales()[0]).isEqualTo(0x1p-15f);
        assertThat(e5.codes()[0] & 0xFF).isEqualTo(0x78);
        assertThat(ocp.scaleFor(0x1p-130f)).isEqualTo(E8M0.decode(0));
    }

    /// docs/fp8.md#checkpoint-storage: `weight_scale_inv` is the dequantisation scale s itself
    /// (shape ceil(N/128) x ceil(K/128), partial edge blocks), and the value is q · s. A 130x200
    /// weight has 2x2 blocks; its only non-zero element 7 sits in the partial block (1, 1), whose
    /// s = 7/448 = 2^-6, so it is stored as 448 (0x7E) and dequantises to 448 · 2^-6 = 7. The
    /// all-zero blocks get s = 1e-4/448 (the amax floor).
    @Test
    void weightScaleInvIsTheDequantScaleWithPartialEdgeBlocks() {
        int rows = 130;
        int cols = 200;
        float[] w = new float[rows * cols];
        w[129 * cols + 199] = 7f;
        BlockQuantized q = BlockScaling.weightBlocks().quantize(w, rows, cols);
        assertThat(q.scaleRows()).isEqualTo(2);
        assertThat(q.scaleCols()).isEqualTo(2);
        assertThat(q.scales()[3]).isEqualTo(0x1p-6f);
        assertThat(q.codes()[129 * cols + 199] & 0xFF).isEqualTo(0x7E);
        assertThat(q.value(129, 199)).isEqualTo(7f);
        assertThat(q.scales()[0]).isEqualTo(1e-4f / 448f);
        assertThat(q.scales()[1]).isEqualTo(1e-4f / 448f);
        assertThat(q.scales()[2]).isEqualTo(1e-4f / 448f);
    }
}
