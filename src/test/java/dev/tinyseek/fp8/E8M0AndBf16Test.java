package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/// E8M0 (all codes, exact powers of two), bf16 (against a nearest-even reference in `double`)
/// and fp16 golden values.
class E8M0AndBf16Test {

    @Test
    void e8m0AllCodesRoundTrip() {
        for (int c = 0; c < 255; c++) {
            float v = E8M0.decode(c);
            assertThat(v).isEqualTo((float) Math.pow(2, c - 127));
            assertThat(E8M0.ofPowerOfTwo(v)).isEqualTo(c);
            assertThat(E8M0.encode(v, Overflow.NON_SATURATE)).isEqualTo(c);
        }
        assertThat(E8M0.decode(0xFF)).isNaN();
        assertThat(E8M0.ofPowerOfTwo(Float.NaN)).isEqualTo(0xFF);
        assertThatThrownBy(() -> E8M0.ofPowerOfTwo(3f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.0");
        assertThatThrownBy(() -> E8M0.ofPowerOfTwo(0f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bf16EqualsNearestEvenReference() {
        long seed = 77;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++) {
            int u = rnd.nextInt();
            if (i % 4 == 0) {
                u = (u & 0xFFFF0000) | 0x8000; // an exact tie
            }
            float x = Float.intBitsToFloat(u);
            if (Float.isNaN(x)) {
                assertThat(Bf16.encode(x)).isEqualTo(0x7FC0);
                continue;
            }
            int want = referenceBf16(x);
            if (Bf16.encode(x) != want) {
                fail("bf16(%s, bits 0x%08X) = 0x%04X, want 0x%04X (seed %d)", x, u, Bf16.encode(x), want, seed);
            }
        }
        assertThat(Bf16.encode(1.0f)).isEqualTo(0x3F80);
        assertThat(Bf16.encode(Float.intBitsToFloat(0x3F808000))).as("tie to even").isEqualTo(0x3F80);
        assertThat(Bf16.encode(Float.intBitsToFloat(0x3F818000))).as("tie to even, up").isEqualTo(0x3F82);
        assertThat(Bf16.encode(Float.MAX_VALUE)).as("overflow to Inf").isEqualTo(0x7F80);
        assertThat(Bf16.decode(0xC040)).isEqualTo(-3.0f);
    }

    /// Nearest of the two bf16 neighbours by exact `double` distance, ties to the even one.
    private static int referenceBf16(float x) {
        int u = Float.floatToRawIntBits(x);
        int down = u >>> 16;
        int up = down + 1;
        double dx = x;
        double lo = Float.intBitsToFloat(down << 16);
        float hiF = Float.intBitsToFloat(up << 16);
        if ((down & 0x7FFF) == 0x7F7F && Float.isInfinite(hiF)) {
            // above max bf16: the virtual next value 2^128
            hiF = Float.POSITIVE_INFINITY;
        }
        double hi = Float.isInfinite(hiF) ? Math.copySign(0x1p128, dx) : hiF;
        double dl = Math.abs(dx - lo);
        double dh = Math.abs(hi - dx);
        if (dl < dh || (dl == dh && (down & 1) == 0)) {
            return down;
        }
        return up & 0xFFFF;
    }

    @Test
    void fp16Golden() {
        assertThat(Fp16.encode(1.0f)).isEqualTo(0x3C00);
        assertThat(Fp16.encode(65504f)).isEqualTo(0x7BFF);
        assertThat(Fp16.encode(65520f)).as("tie above max goes to Inf").isEqualTo(0x7C00);
        assertThat(Fp16.encode(-0x1p-24f)).isEqualTo(0x8001);
        assertThat(Fp16.decode(0x3555)).isEqualTo(0.333251953125f);
    }

    /// `round` is `decode(encode(x))` in both 16-bit formats, and `roundInPlace` rounds every
    /// element of an array (random floats over many binades, of both signs).
    @Test
    void roundIsDecodeOfEncodeAndRoundInPlaceRoundsEveryElement() {
        SplittableRandom rnd = new SplittableRandom(31);
        float[] x = new float[257];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-30, 30)));
        }
        float[] inPlace = x.clone();
        Bf16.roundInPlace(inPlace);
        for (int i = 0; i < x.length; i++) {
            float bf = Bf16.decode(Bf16.encode(x[i]));
            assertThat(Bf16.round(x[i])).as("bf16 %s", x[i]).isEqualTo(bf);
            assertThat(inPlace[i]).as("in place, element %d", i).isEqualTo(bf);
            assertThat(Fp16.round(x[i])).as("fp16 %s", x[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(x[i])));
        }
        assertThat(inPlace).as("rounding changed something").isNotEqualTo(x);
    }
}
