package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/// The simulated FP8 GEMM against a `double` reference on the dequantised operands (exact where
/// every sum is exact in float, within a derived bound otherwise), the e8m13 tensor-core model
/// against an independent `BigDecimal` transcription, the promotion-interval effect of
/// DeepSeek-V3 §3.3.2, and determinism across thread counts.
class Fp8GemmTest {

    private static final long SEED = 0xDEE95EEL;
    private static final double U = 0x1p-24;

    /// `Σ_k (q_a·s_a)(q_b·s_b)` in double (exact products of floats), and `Σ_k |…|`.
    private static double[][] reference(BlockQuantized a, BlockQuantized b) {
        int m = a.rows();
        int n = b.rows();
        int k = a.cols();
        double[] c = new double[m * n];
        double[] abs = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double t = 0;
                for (int kk = 0; kk < k; kk++) {
                    double p = (double) a.format().decode(a.codes()[i * k + kk]) * a.scaleAt(i, kk)
                            * ((double) b.format().decode(b.codes()[j * k + kk]) * b.scaleAt(j, kk));
                    s += p;
                    t += Math.abs(p);
                }
                c[i * n + j] = s;
                abs[i * n + j] = t;
            }
        }
        return new double[][] {c, abs};
    }

    private static float[] gaussian(SplittableRandom rnd, int size, double outlierRate) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            double g = rnd.nextGaussian();
            x[i] = (float) (rnd.nextDouble() < outlierRate ? 50 * g : g);
        }
        return x;
    }

    @Test
    void exactWhenEverySumIsExactInFloat() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int m = 8;
        int n = 8;
        int k = 256;
        int[] small = {0x00, 0x38, 0xB8, 0x3C, 0xBC, 0x40, 0xC0, 0x30}; // 0, ±1, ±1.5, ±2, 0.5
        byte[] ca = new byte[m * k];
        byte[] cb = new byte[n * k];
        for (int i = 0; i < ca.length; i++) {
            ca[i] = (byte) small[rnd.nextInt(small.length)];
            cb[i] = (byte) small[rnd.nextInt(small.length)];
        }
        float[] sa = new float[m * 2];
        float[] sb = new float[2];
        for (int i = 0; i < sa.length; i++) {
            sa[i] = Math.scalb(1f, rnd.nextInt(-3, 4));
        }
        sb[0] = 0.25f;
        sb[1] = 8f;
        BlockQuantized a = new BlockQuantized(Fp8Format.E4M3FN, m, k, 1, 128, ca, sa);
        BlockQuantized b = new BlockQuantized(Fp8Format.E4M3FN, n, k, 128, 128, cb, sb);
        double[] ref = reference(a, b)[0];
        for (Accumulation acc : new Accumulation[] {Accumulation.EXACT, Accumulation.FP32_SEQUENTIAL}) {
            for (ScaleOrder order : ScaleOrder.values()) {
                float[] c = new Fp8Gemm(acc, 128, order, true).multiply(a, b);
                for (int i = 0; i < m * n; i++) {
                    if (c[i] != ref[i]) {
                        fail("%s %s: C[%d] = %s but the exact product is %s (seed %d)", acc, order, i, c[i], ref[i], SEED);
                    }
                }
            }
        }
    }

    @Test
    void withinTheDerivedRoundingBoundOnRealisticData() {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        int m = 33;
        int n = 150; // two 128-row weight blocks, the second partial
        int k = 384;
        BlockQuantized a = BlockScaling.activationTiles().quantize(gaussian(rnd, m * k, 0.01), m, k);
        BlockQuantized b = BlockScaling.weightBlocks().quantize(gaussian(rnd, n * k, 0.0), n, k);
        double[][] r = reference(a, b);
        int blocks = k / 128;
        for (Accumulation acc : new Accumulation[] {Accumulation.EXACT, Accumulation.FP32_SEQUENTIAL}) {
            for (ScaleOrder order : ScaleOrder.values()) {
                float[] c = new Fp8Gemm(acc, 128, order, true).multiply(a, b);
                // fp32: one rounding of the chunk sum (EXACT) or 127 (sequential), the scale product,
                // and one FMA per chunk: γ_(chunk + blocks + 3)·Σ|terms|
                int roundings = (acc == Accumulation.EXACT ? 1 : 128) + blocks + 3;
                for (int i = 0; i < m * n; i++) {
                    double bound = roundings * U * 1.01 * r[1][i];
                    if (Math.abs(c[i] - r[0][i]) > bound) {
                        fail("%s %s: C[%d] = %s, reference %s, error %s > bound %s (seed %d)",
                                acc, order, i, c[i], r[0][i], Math.abs(c[i] - r[0][i]), bound, SEED + 1);
                    }
                }
            }
        }
    }

    @Test
    void fusedDotAddMatchesTheBigDecimalTranscriptionOfSection4_8() {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        for (int t = 0; t < 3000; t++) {
            Fp8Format fa = t % 3 == 0 ? Fp8Format.E5M2 : Fp8Format.E4M3FN;
            Fp8Format fb = t % 5 == 0 ? Fp8Format.E5M2 : Fp8Format.E4M3FN;
            int len = t % 7 == 0 ? 1 + rnd.nextInt(32) : 32;
            byte[] a = new byte[len];
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                a[i] = finiteCode(fa, rnd, t % 4 == 0);
                b[i] = finiteCode(fb, rnd, t % 4 == 0);
            }
            float c = switch (t % 4) {
                case 0 -> 0f;
                case 1 -> (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-20, 30)));
                case 2 -> Float.intBitsToFloat(rnd.nextInt(1, 0x00800000)) * (rnd.nextBoolean() ? 1 : -1); // subnormal
                default -> (float) (rnd.nextGaussian() * 1000);
            };
            float got = TensorCoreAccumulator.fusedDotAdd(fa, a, fb, b, c);
            float want = HopperReference.fusedDotAdd(fa, a, fb, b, c);
            if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want) && !(got == 0f && want == 0f)) {
                fail("case %d (%s x %s, c=%s): model %s, reference %s (seed %d)", t, fa, fb, c, got, want, SEED + 2);
            }
        }
    }

    /// A step that holds an infinite E5M2 code follows IEEE arithmetic in `double`: the sum of
    /// `c` and every product, so ±Inf times a positive value keeps its sign, times a negative one
    /// flips it, and times zero is NaN (NaNs compared as "is NaN").
    @Test
    void aStepWithAnInfiniteOperandIsTheIeeeSumOfItsProducts() {
        SplittableRandom rnd = new SplittableRandom(SEED + 5);
        for (int t = 0; t < 400; t++) {
            int len = 2 + rnd.nextInt(31);
            byte[] a = new byte[len];
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                a[i] = finiteCode(Fp8Format.E5M2, rnd, false);
                b[i] = finiteCode(Fp8Format.E4M3FN, rnd, true);
            }
            int at = rnd.nextInt(len);
            a[at] = (byte) (rnd.nextBoolean() ? 0x7C : 0xFC); // ±Inf
            if (t % 4 == 0) {
                b[at] = 0; // Inf · 0
            }
            float c = t % 3 == 0 ? 0f : (float) (rnd.nextGaussian() * 100);
            double want = c;
            for (int i = 0; i < len; i++) {
                want += (double) Fp8Format.E5M2.decode(a[i]) * Fp8Format.E4M3FN.decode(b[i]);
            }
            float got = TensorCoreAccumulator.fusedDotAdd(Fp8Format.E5M2, a, Fp8Format.E4M3FN, b, c);
            if (Double.isNaN(want) ? !Float.isNaN(got) : got != (float) want) {
                fail("case %d: Inf at %d times %s: %s, expected %s", t, at, Fp8Format.E4M3FN.decode(b[at]), got, want);
            }
        }
    }

    private static byte finiteCode(Fp8Format f, SplittableRandom rnd, boolean sparse) {
        while (true) {
            int code = rnd.nextInt(256);
            if (sparse && rnd.nextInt(4) == 0) {
                code &= 0x87; // zero or subnormal
            }
            if (Float.isFinite(f.decode(code))) {
                return (byte) code;
            }
        }
    }

    @Test
    void e8m13TruncatesSmallTermsAgainstALargeOne() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        a[0] = 0x7E; // 448
        b[0] = 0x7E;
        for (int i = 1; i < 32; i++) {
            a[i] = 0x38; // 1
            b[i] = 0x38;
        }
        // emax = 8 + 8, unit = 2^3: each 1·1 truncates to 0; 448² = 200704 has 6 significant bits
        assertThat(TensorCoreAccumulator.fusedDotAdd(Fp8Format.E4M3FN, a, Fp8Format.E4M3FN, b, 0f)).isEqualTo(200704f);
        // the exact sum would be 200735
        assertThat(TensorCoreAccumulator.fusedDotAdd(Fp8Format.E4M3FN, a, Fp8Format.E4M3FN, b, 40f))
                .as("c = 40 = 5 units: S = 200744, then 14 significant bits (step 2^(17-13) = 16)").isEqualTo(200736f);
        // NaN propagates through the IEEE fallback
        a[3] = 0x7F;
        assertThat(TensorCoreAccumulator.fusedDotAdd(Fp8Format.E4M3FN, a, Fp8Format.E4M3FN, b, 0f)).isNaN();
        // result truncated to 14 significant bits: 1 + 2^-13 + 2^-14 -> 1 + 2^-13
        byte[] x = {0x38, 0x01};
        byte[] y = {0x38, 0x01};
        assertThat(TensorCoreAccumulator.fusedDotAdd(Fp8Format.E4M3FN, x, Fp8Format.E4M3FN, y, 0x1p-13f + 0x1p-14f))
                .isEqualTo(1f + 0x1p-13f);
    }

    @Test
    void hopperGemmEqualsTheReferenceComposedBlockByBlock() {
        SplittableRandom rnd = new SplittableRandom(SEED + 3);
        int m = 5;
        int n = 7;
        int k = 256;
        BlockQuantized a = BlockScaling.activationTiles().quantize(gaussian(rnd, m * k, 0.02), m, k);
        BlockQuantized b = BlockScaling.weightBlocks().quantize(gaussian(rnd, n * k, 0.0), n, k);
        for (ScaleOrder order : ScaleOrder.values()) {
            float[] c = Fp8Gemm.hopper().withScaleOrder(order).multiply(a, b);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int k0 = 0; k0 < k; k0 += 128) {
                        float part = 0f;
                        for (int g = k0; g < k0 + 128; g += 32) {
                            byte[] ga = java.util.Arrays.copyOfRange(a.codes(), i * k + g, i * k + g + 32);
                            byte[] gb = java.util.Arrays.copyOfRange(b.codes(), j * k + g, j * k + g + 32);
                            part = HopperReference.fusedDotAdd(Fp8Format.E4M3FN, ga, Fp8Format.E4M3FN, gb, part);
                        }
                        float sa = a.scaleAt(i, k0);
                        float sb = b.scaleAt(j, k0);
                        acc = switch (order) {
                            case SCALES_FIRST -> Math.fma(sa * sb, part, acc);
                            case PARTIAL_FIRST -> Math.fma(part * sa, sb, acc);
                            case PARTIAL_FIRST_UNFUSED -> acc + (part * sa) * sb;
                        };
                    }
                    assertThat(c[i * n + j]).as("%s C[%d,%d] (seed %d)", order, i, j, SEED + 3).isEqualTo(acc);
                }
            }
        }
    }

    /// DeepSeek-V3 §3.3.2: without promotion a K = 4096 GEMM under the 14-bit accumulator shows a
    /// visibly larger error than with promotion every 128 (docs/fp8.md#how-much-promotion-matters: ~1.2% vs ~0.06% of rms(C)).
    @Test
    void promotionEvery128CutsTheAccumulationError() {
        SplittableRandom rnd = new SplittableRandom(SEED + 4);
        int m = 16;
        int n = 16;
        int k = 4096;
        BlockScaling perTensorA = BlockScaling.tiles(m, k);
        BlockScaling perTensorB = BlockScaling.tiles(n, k);
        BlockQuantized a = perTensorA.quantize(gaussian(rnd, m * k, 0), m, k);
        BlockQuantized b = perTensorB.quantize(gaussian(rnd, n * k, 0), n, k);
        double[] ref = reference(a, b)[0];
        double rms = 0;
        for (double v : ref) {
            rms += v * v;
        }
        rms = Math.sqrt(rms / ref.length);
        double never = maxError(Fp8Gemm.hopper().withPromotionInterval(Fp8Gemm.NEVER).multiply(a, b), ref) / rms;
        double every128 = maxError(Fp8Gemm.hopper().multiply(a, b), ref) / rms;
        double exact = maxError(Fp8Gemm.exact().multiply(a, b), ref) / rms;
        String report = String.format("max|err|/rms(C): never %.3g, every 128 %.3g, exact %.3g (seed %d)", never, every128, exact, SEED + 4);
        System.out.println("Fp8GemmTest: " + report);
        assertThat(never).as(report).isGreaterThan(2e-3);
        assertThat(every128).as(report).isLessThan(2e-3);
        assertThat(never).as(report).isGreaterThan(5 * every128);
        assertThat(exact).as(report).isLessThan(1e-5);
    }

    private static double maxError(float[] c, double[] ref) {
        double e = 0;
        for (int i = 0; i < c.length; i++) {
            e = Math.max(e, Math.abs(c[i] - ref[i]));
        }
        return e;
    }

    @Test
    void sameBitsForAnyThreadCount() {
        SplittableRandom rnd = new SplittableRandom(SEED + 5);
        int m = 24;
        int n = 40;
        int k = 512;
        BlockQuantized a = BlockScaling.activationTiles().quantize(gaussian(rnd, m * k, 0.01), m, k);
        BlockQuantized b = BlockScaling.weightBlocks().quantize(gaussian(rnd, n * k, 0.0), n, k);
        for (Accumulation acc : Accumulation.values()) {
            Fp8Gemm g = new Fp8Gemm(acc, 128, ScaleOrder.SCALES_FIRST, false);
            float[] seq = g.multiply(a, b);
            float[] par = g.withParallel(true).multiply(a, b);
            for (int i = 0; i < seq.length; i++) {
                assertThat(Float.floatToRawIntBits(par[i])).as("%s element %d", acc, i).isEqualTo(Float.floatToRawIntBits(seq[i]));
            }
        }
    }

    /// The three scale orders of docs/fp8.md#the-fp8-gemm on a hand-built case where they differ. K = 4,
    /// promotion every 2: chunk 0 is (-1)·1 with scales 1, 1, so acc = -1; chunk 1 is
    /// 1·1 + 2^-6·2^-6 = 1 + 2^-12 (exact) with s_a = 1, s_b = 1 + 2^-12.
    /// - SCALES_FIRST: fma(1·(1+2^-12), 1+2^-12, -1) = 2^-11 + 2^-24 (exact);
    /// - PARTIAL_FIRST (fused): fma((1+2^-12)·1, 1+2^-12, -1) = 2^-11 + 2^-24;
    /// - PARTIAL_FIRST_UNFUSED: (1+2^-12)² = 1 + 2^-11 + 2^-24 is a float tie, rounds to the even
    ///   1 + 2^-11; minus 1 gives 2^-11.
    /// docs/fp8.md#the-tensor-core-accumulator: both truncations go toward zero, also for negative terms and sums. −448·448 and
    /// 31 products −1·1 with c = −40: emax = 16, unit 2^3; each −1 truncates to 0 (a floor would
    /// give −8 each), c = −5 units, so S = −200744; with 14 significant bits the step is
    /// 2^(17−13) = 16 and −200744 truncates toward zero to −200736 (a floor would give −200752).
    @Test
    void e8m13TruncatesNegativeTermsTowardZero() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        a[0] = (byte) 0xFE; // -448
        b[0] = 0x7E;        //  448
        for (int i = 1; i < 32; i++) {
            a[i] = (byte) 0xB8; // -1
            b[i] = 0x38;        //  1
        }
        assertThat(TensorCoreAccumulator.fusedDotAdd(Fp8Format.E4M3FN, a, Fp8Format.E4M3FN, b, 0f)).isEqualTo(-200704f);
        assertThat(TensorCoreAccumulator.fusedDotAdd(Fp8Format.E4M3FN, a, Fp8Format.E4M3FN, b, -40f)).isEqualTo(-200736f);
    }

    @Test
    void scaleOrdersOnAHandComputedCase() {
        byte[] ca = {(byte) 0xB8, 0, 0x38, 0x08}; // -1, 0, 1, 2^-6
        byte[] cb = {0x38, 0, 0x38, 0x08};        //  1, 0, 1, 2^-6
        BlockQuantized a = new BlockQuantized(Fp8Format.E4M3FN, 1, 4, 1, 2, ca, new float[] {1f, 1f});
        BlockQuantized b = new BlockQuantized(Fp8Format.E4M3FN, 1, 4, 1, 2, cb, new float[] {1f, 1f + 0x1p-12f});
        Fp8Gemm g = new Fp8Gemm(Accumulation.EXACT, 2, ScaleOrder.SCALES_FIRST, false);
        assertThat(g.multiply(a, b)[0]).isEqualTo(0x1p-11f + 0x1p-24f);
        assertThat(g.withScaleOrder(ScaleOrder.PARTIAL_FIRST).multiply(a, b)[0]).isEqualTo(0x1p-11f + 0x1p-24f);
        assertThat(g.withScaleOrder(ScaleOrder.PARTIAL_FIRST_UNFUSED).multiply(a, b)[0]).isEqualTo(0x1p-11f);
        assertThat(g.withAccumulation(Accumulation.FP32_SEQUENTIAL).withScaleOrder(ScaleOrder.PARTIAL_FIRST_UNFUSED)
                .multiply(a, b)[0]).isEqualTo(0x1p-11f);
    }

    @Test
    void badShapesAndIntervalsAreRejectedWithTheValues() {
        BlockQuantized a = BlockScaling.activationTiles().quantize(new float[2 * 256], 2, 256);
        BlockQuantized b = BlockScaling.weightBlocks().quantize(new float[3 * 128], 3, 128);
        assertThatThrownBy(() -> Fp8Gemm.exact().multiply(a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 256]").hasMessageContaining("[3, 128]");
        BlockQuantized b2 = BlockScaling.weightBlocks().quantize(new float[3 * 256], 3, 256);
        assertThatThrownBy(() -> Fp8Gemm.exact().withPromotionInterval(Fp8Gemm.NEVER).multiply(a, b2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128 wide");
        assertThatThrownBy(() -> Fp8Gemm.hopper().withPromotionInterval(48)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("48");
        assertThat(Fp8Gemm.exact().withPromotionInterval(64).multiply(a, b2)).hasSize(6);
    }
}
