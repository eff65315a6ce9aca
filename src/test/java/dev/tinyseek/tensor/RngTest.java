package dev.tinyseek.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/// The generator is SplitMix64 exactly: golden values of the reference implementation, the
/// JDK's `SplittableRandom` (the same algorithm, written independently) as an oracle for any
/// seed, and every derived draw written out from the raw 64-bit stream.
class RngTest {

    /// The first outputs of Vigna's `splitmix64.c` seeded with 0.
    @Test
    void goldenValuesOfTheReferenceImplementation() {
        Rng r = new Rng(0);
        assertThat(r.nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(r.nextLong()).isEqualTo(0x6E789E6AA1B965F4L);
        assertThat(r.nextLong()).isEqualTo(0x06C45D188009454FL);
        assertThat(r.state()).isEqualTo(3 * 0x9E3779B97F4A7C15L);
    }

    @Test
    void everySeedGivesTheSplitMix64Stream() {
        SplittableRandom seeds = new SplittableRandom(1);
        for (int s = 0; s < 200; s++) {
            long seed = s < 4 ? new long[] {0, 1, -1, Long.MIN_VALUE}[s] : seeds.nextLong();
            Rng r = new Rng(seed);
            SplittableRandom oracle = new SplittableRandom(seed);
            for (int i = 0; i < 20; i++) {
                assertThat(r.nextLong()).as("seed %d draw %d", seed, i).isEqualTo(oracle.nextLong());
            }
        }
    }

    /// Doubles, floats, bounded ints and Gaussians from the raw stream, as documented.
    @Test
    void derivedDrawsAreTheDocumentedFunctionsOfTheStream() {
        for (long seed : new long[] {3, 12345, -987654321}) {
            Rng r = new Rng(seed);
            SplittableRandom raw = new SplittableRandom(seed);
            for (int i = 0; i < 50; i++) {
                assertThat(r.nextDouble()).isEqualTo((raw.nextLong() >>> 11) * 0x1.0p-53);
                assertThat(r.nextFloat()).isEqualTo((raw.nextLong() >>> 40) * 0x1.0p-24f);
                int bound = 1 + i * 37;
                assertThat(r.nextInt(bound)).isEqualTo((int) (((raw.nextLong() >>> 32) * bound) >>> 32));
                assertThat(r.nextInt(-5 + i, 7 + 2 * i)).isEqualTo(-5 + i + (int) (((raw.nextLong() >>> 32) * (12 + i)) >>> 32));
                double u1 = 1.0 - (raw.nextLong() >>> 11) * 0x1.0p-53, u2 = (raw.nextLong() >>> 11) * 0x1.0p-53;
                assertThat(r.nextGaussian()).isEqualTo(Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
            }
            float[] x = new float[9];
            new Rng(seed).fillNormal(x, 0.37);
            Rng g = new Rng(seed);
            for (float v : x) {
                assertThat(v).isEqualTo((float) (g.nextGaussian() * 0.37));
            }
        }
    }

    @Test
    void drawsStayInTheirRanges() {
        Rng r = new Rng(9);
        for (int i = 0; i < 10_000; i++) {
            assertThat(r.nextDouble()).isBetween(0.0, Math.nextDown(1.0));
            assertThat(r.nextFloat()).isBetween(0f, Math.nextDown(1f));
            assertThat(r.nextInt(3)).isBetween(0, 2);
            assertThat(r.nextInt(-2, 1)).isBetween(-2, 0);
        }
        assertThat(new Rng(4).nextInt(5, 6)).isEqualTo(5);
        assertThat(new Rng(4).nextInt(1)).isZero();
        assertThatThrownBy(() -> r.nextInt(0)).hasMessageContaining("bound must be positive, got 0");
        assertThatThrownBy(() -> r.nextInt(3, 3)).hasMessageContaining("need lo < hi, got 3, 3");
    }

    @Test
    void splitAndRestore() {
        Rng a = new Rng(77);
        long first = new Rng(77).nextLong();
        Rng child = a.split();
        SplittableRandom oracle = new SplittableRandom(first ^ 0x5DEECE66DL);
        assertThat(child.nextLong()).isEqualTo(oracle.nextLong());
        long saved = a.state();
        long next = a.nextLong();
        assertThat(new Rng(0).restore(saved).nextLong()).isEqualTo(next);
    }
}
