package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/// Block scaling (1x128 tiles, 128x128 blocks), UE8M0 scales, MX 1x32 and delayed per-tensor
/// scaling: golden values from `docs/fp8.md#worked-example`, round-trip error bounds and edge blocks.
class ScalingTest {

    private static final long SEED = 20241226L;

    /// docs/fp8.md#worked-example: the `act_quant` worked example, fp32 scale and UE8M0 variant.
    @Test
    void actQuantWorkedExample() {
        float[] x = new float[128];
        float[] head = {-3.0f, 1.0f, 0.5f, 0.1f, 2.9f, -0.0123f, 1e-4f, 0.33f};
        System.arraycopy(head, 0, x, 0, head.length);
        BlockQuantized q = BlockScaling.activationTiles().quantize(x, 1, 128);
        assertThat(Float.floatToRawIntBits(q.scales()[0])).isEqualTo(0x3bdb6db7);
        int[] codes = {0xFE, 0x71, 0x69, 0x57, 0x7E, 0xBF, 0x08, 0x64};
        for (int i = 0; i < codes.length; i++) {
            assertThat(q.codes()[i] & 0xFF).as("element %d (%s)", i, head[i]).isEqualTo(codes[i]);
        }
        for (int i = 8; i < 128; i++) {
            assertThat(q.codes()[i]).isZero();
        }
        BlockQuantized p = BlockScaling.activationTiles().withUe8m0(true).quantize(x, 1, 128);
        assertThat(p.scales()[0]).isEqualTo(0x1p-7f);
        int[] pcodes = {0xFC, 0x70, 0x68, 0x55, 0x7C, 0xBD, 0x07, 0x63};
        for (int i = 0; i < pcodes.length; i++) {
            assertThat(p.codes()[i] & 0xFF).as("ue8m0 element %d", i).isEqualTo(pcodes[i]);
        }
    }

    /// docs/fp8.md#block-scaling: dividing by s and multiplying by 1/s give different codes.
    @Test
    void divideAndReciprocalDifferAsDocumented() {
        float[] amax = {19.255810f, 0.65456039f, 16.515882f};
        int[] xBits = {0x41148b79, 0x3dfb59e8, 0x402070a4};
        int[] divide = {0x76, 0x6B, 0x68};
        int[] multiply = {0x75, 0x6A, 0x69};
        for (int i = 0; i < 3; i++) {
            float[] x = {amax[i], Float.intBitsToFloat(xBits[i])};
            BlockScaling tiles = BlockScaling.tiles(1, 2);
            assertThat(tiles.quantize(x, 1, 2).codes()[1] & 0xFF).as("divide, case %d", i).isEqualTo(divide[i]);
            assertThat(tiles.withReciprocal(true).quantize(x, 1, 2).codes()[1] & 0xFF).as("reciprocal, case %d", i).isEqualTo(multiply[i]);
        }
    }

    @Test
    void roundTripErrorIsAtMostHalfAnUlpOfTheScaledValue() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        int rows = 200;
        int cols = 300; // neither a multiple of 128: partial edge blocks
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            double g = rnd.nextGaussian();
            x[i] = (float) (rnd.nextInt(50) == 0 ? 100 * g : g); // with outliers
        }
        for (BlockScaling bs : new BlockScaling[] {BlockScaling.activationTiles(), BlockScaling.weightBlocks(),
                BlockScaling.weightBlocks().withUe8m0(true), BlockScaling.tiles(4, 16).withReciprocal(true)}) {
            BlockQuantized q = bs.quantize(x, rows, cols);
            assertThat(q.scaleRows()).isEqualTo((rows + bs.blockRows() - 1) / bs.blockRows());
            assertThat(q.scaleCols()).isEqualTo((cols + bs.blockCols() - 1) / bs.blockCols());
            float[] d = q.dequantize();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    float s = q.scaleAt(r, c);
                    // half-ulp of E4M3: 2^-4 relative for normals, 2^-10·s absolute below 2^-6·s,
                    // plus the two float roundings of x/s and code·s
                    double bound = Math.max(0x1p-4 * Math.abs(x[i]), 0x1p-10 * s) * (1 + 1e-6) + 0x1p-22 * Math.abs(x[i]);
                    double err = Math.abs((double) d[i] - x[i]);
                    if (err > bound || q.format().isNaN(q.codes()[i])) {
                        fail("%s: x[%d,%d]=%s dequantised to %s, error %s > bound %s (seed %d)", bs, r, c, x[i], d[i], err, bound, SEED);
                    }
                }
            }
            // each block's scale comes from that block's real elements only (edge blocks: zero padding changes nothing)
            for (int br = 0; br < q.scaleRows(); br++) {
                for (int bc = 0; bc < q.scaleCols(); bc++) {
                    float amax = 0f;
                    for (int r = br * bs.blockRows(); r < Math.min(rows, (br + 1) * bs.blockRows()); r++) {
                        for (int c = bc * bs.blockCols(); c < Math.min(cols, (bc + 1) * bs.blockCols()); c++) {
                            amax = Math.max(amax, Math.abs(x[r * cols + c]));
                        }
                    }
                    float s = Math.max(amax, 1e-4f) / 448f;
                    if (bs.ue8m0()) {
                        s = (float) Math.pow(2, Math.ceil(Math.log(s) / Math.log(2)));
                    }
                    assertThat(q.scales()[br * q.scaleCols() + bc]).as("%s block (%d,%d)", bs, br, bc).isEqualTo(s);
                }
            }
        }
    }

    @Test
    void ceilPowerOfTwoIsExact() {
        assertThat(ScaleMath.ceilPowerOfTwo(3f / 448f)).isEqualTo(0x1p-7f);
        assertThat(ScaleMath.ceilPowerOfTwo(1f)).isEqualTo(1f);
        assertThat(ScaleMath.ceilPowerOfTwo(Math.nextUp(1f))).isEqualTo(2f);
        assertThat(ScaleMath.ceilPowerOfTwo(Math.nextDown(1f))).isEqualTo(1f);
        assertThat(ScaleMath.ceilPowerOfTwo(0f)).isEqualTo(0x1p-126f);
        assertThat(ScaleMath.ceilPowerOfTwo(0x1p-130f)).isEqualTo(0x1p-126f);
        assertThat(ScaleMath.ceilPowerOfTwo(3e38f)).isEqualTo(0x1p127f);
        assertThat(ScaleMath.ceilPowerOfTwo(Float.NaN)).isNaN();
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 10_000; i++) {
            float s = Math.scalb((float) rnd.nextDouble(1, 2), rnd.nextInt(-120, 120));
            float p = ScaleMath.ceilPowerOfTwo(s);
            if (!(p >= s && p < 2 * s && E8M0.ofPowerOfTwo(p) >= 0)) {
                fail("ceilPowerOfTwo(%s) = %s (seed %d)", s, p, SEED + 1);
            }
        }
    }

    @Test
    void amaxPropagatesNaN() {
        assertThat(ScaleMath.amax(new float[] {1f, Float.NaN, -3f})).isNaN();
        assertThat(ScaleMath.amax(new float[] {1f, -3f, 2f})).isEqualTo(3f);
        BlockQuantized q = BlockScaling.activationTiles().quantize(new float[] {1f, Float.NaN}, 1, 2);
        assertThat(q.scales()[0]).isNaN();
    }

    @Test
    void mxRulesOnHandPickedBlocks() {
        float[] x = new float[32];
        x[0] = 500f;
        x[1] = 1f;
        BlockQuantized ocp = MxScaling.mxfp8().quantize(x, 1, 32);
        assertThat(ocp.scales()[0]).as("floor(log2 500) - 8 = 0").isEqualTo(1f);
        assertThat(ocp.codes()[0] & 0xFF).as("500 clipped to 448 by the floor rule").isEqualTo(0x7E);
        BlockQuantized rceil = new MxScaling(32, Fp8Format.E4M3FN, MxScaling.Rule.NVIDIA_RCEIL).quantize(x, 1, 32);
        assertThat(rceil.scales()[0]).as("ceil(log2(500/448)) = 1").isEqualTo(2f);
        assertThat(rceil.value(0, 0)).isEqualTo(Fp8Format.E4M3FN.round(250f, Overflow.SATURATE) * 2f);
        assertThat(MxScaling.scaleCodes(rceil)[0] & 0xFF).isEqualTo(128);
        // E5M2 elements: emax_elem = 15
        float[] y = new float[32];
        y[5] = 3f;
        assertThat(new MxScaling(32, Fp8Format.E5M2, MxScaling.Rule.OCP_FLOOR).quantize(y, 1, 32).scales()[0]).isEqualTo(0x1p-14f);
        // all zeros: the smallest scale; NaN: the NaN scale
        assertThat(MxScaling.scaleCodes(MxScaling.mxfp8().quantize(new float[32], 1, 32))[0]).isEqualTo((byte) 0);
        y[7] = Float.NaN;
        BlockQuantized nan = MxScaling.mxfp8().quantize(y, 1, 32);
        assertThat(MxScaling.scaleCodes(nan)[0] & 0xFF).isEqualTo(0xFF);
        assertThat(nan.dequantize()[5]).isNaN();
    }

    @Test
    void mxProperties() {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        int rows = 16;
        int cols = 100; // last block partial
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-8, 8)));
        }
        for (MxScaling.Rule rule : MxScaling.Rule.values()) {
            MxScaling mx = new MxScaling(32, Fp8Format.E4M3FN, rule);
            BlockQuantized q = mx.quantize(x, rows, cols);
            assertThat(q.scaleCols()).isEqualTo(4);
            byte[] sc = MxScaling.scaleCodes(q);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < 4; b++) {
                    float amax = ScaleMath.amax(x, cols, r, r + 1, b * 32, Math.min(cols, b * 32 + 32));
                    float scale = E8M0.decode(sc[r * 4 + b]);
                    double ratio = amax / (double) scale;
                    boolean ok = rule == MxScaling.Rule.OCP_FLOOR
                            ? ratio >= 256 && ratio < 512        // floor: amax/X in [2^8, 2^9)
                            : ratio <= 448 * (1 + 0x1p-23) && ratio > 224 * (1 - 0x1p-23); // ceil: (224, 448]
                    if (!ok) {
                        fail("%s row %d block %d: amax %s / scale %s = %s (seed %d)", rule, r, b, amax, scale, ratio, SEED + 2);
                    }
                }
            }
            float[] d = q.dequantize();
            for (int i = 0; i < x.length; i++) {
                float s = q.scaleAt(i / cols, i % cols);
                double clip = Math.max(0, Math.abs(x[i]) - 448.0 * s); // floor rule clips the top
                double bound = Math.max(0x1p-4 * Math.abs(x[i]), 0x1p-10 * s) * (1 + 1e-6) + clip;
                if (Math.abs(d[i] - x[i]) > bound) {
                    fail("%s element %d: %s -> %s (seed %d)", rule, i, x[i], d[i], SEED + 2);
                }
            }
        }
    }

    @Test
    void delayedScalingUsesThePreviousAmaxes() {
        DelayedScaling ds = new DelayedScaling(Fp8Format.E4M3FN, 2, DelayedScaling.Algorithm.MAX, 0);
        assertThat(ds.scale()).isEqualTo(1f);
        BlockQuantized q1 = ds.quantize(new float[] {10f, -2.5f}, 1, 2);
        assertThat(q1.scales()).containsExactly(1f);
        assertThat(q1.dequantize()).containsExactly(10f, -2.5f);
        assertThat(ds.scale()).isEqualTo(448f / 10f);
        ds.quantize(new float[] {5f, 1f}, 1, 2);
        assertThat(ds.history()).containsExactly(10f, 5f);
        assertThat(ds.scale()).as("max of the window").isEqualTo(448f / 10f);
        ds.quantize(new float[] {1f, 0f}, 1, 2);
        assertThat(ds.history()).as("window of 2 drops the oldest").containsExactly(5f, 1f);
        assertThat(ds.scale()).isEqualTo(448f / 5f);
        // the scale lags: a sudden outlier saturates to 448 instead of overflowing
        BlockQuantized big = ds.quantize(new float[] {100f, 1f}, 1, 2);
        assertThat(big.codes()[0] & 0xFF).isEqualTo(0x7E);
        assertThat(big.scales()[0]).isEqualTo(1f / (448f / 5f));

        DelayedScaling recent = new DelayedScaling(Fp8Format.E5M2, 8, DelayedScaling.Algorithm.MOST_RECENT, 1);
        recent.quantize(new float[] {1000f}, 1, 1);
        recent.quantize(new float[] {10f}, 1, 1);
        assertThat(recent.scale()).as("most recent, margin 1").isEqualTo(57344f / 10f / 2f);
        recent.quantize(new float[] {0f}, 1, 1);
        assertThat(recent.scale()).as("amax 0 keeps the previous scale (TE delayed_scaling.cu)").isEqualTo(57344f / 10f / 2f);
        assertThatThrownBy(() -> recent.quantize(new float[] {Float.NaN}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    /// TE's delayed-scaling update recomputes the scale only for an amax > 0; otherwise the
    /// previous scale stays. Hand values: 448/8 = 56; then an all-zero tensor (most recent amax
    /// 0) keeps 56 and quantises nothing but zeros; then amax 4 gives 448/4 = 112.
    @Test
    void delayedScalingKeepsThePreviousScaleForAZeroAmax() {
        DelayedScaling ds = new DelayedScaling(Fp8Format.E4M3FN, 4, DelayedScaling.Algorithm.MOST_RECENT, 0);
        ds.quantize(new float[] {8f, -1f}, 1, 2);
        assertThat(ds.scale()).isEqualTo(56f);
        BlockQuantized zeros = ds.quantize(new float[] {0f, 0f}, 1, 2);
        assertThat(zeros.scales()).containsExactly(1f / 56f);
        assertThat(ds.scale()).as("amax 0: previous scale kept").isEqualTo(56f);
        BlockQuantized next = ds.quantize(new float[] {1f, 0.5f}, 1, 2);
        assertThat(next.codes()[0] & 0xFF).as("1 * 56 = 56 = 1.75*2^5 -> E4M3 0.1100.110 = 0x66").isEqualTo(0x66);
        ds.quantize(new float[] {4f, 0f}, 1, 2);
        assertThat(ds.scale()).isEqualTo(112f);
        // all-zero history from the start: the initial scale 1 stays
        DelayedScaling fresh = new DelayedScaling(Fp8Format.E4M3FN, 2, DelayedScaling.Algorithm.MAX, 0);
        fresh.quantize(new float[] {0f}, 1, 1);
        assertThat(fresh.scale()).isEqualTo(1f);
    }

    /// docs/fp8.md#per-tensor-scaling, TE current scaling, hand values: amax 7 gives scale 448/7 = 64 (exact);
    /// 7·64 = 448 (0x7E), −3.5·64 = −224 = −1.75·2^7 (0xF6), 0.1f·64 = 6.4 → 6.5 = 1.625·2^2
    /// (0x4D); dequantisation scale 1/64. amax 3: 448/3 = 149.33 has its mantissa cleared to 128
    /// with powerOfTwo, and 3·128 = 384 (0x7C). amax 0 gives scale 1; an amax so small that 448/amax
    /// overflows gives Float.MAX_VALUE (2^127 with powerOfTwo).
    @Test
    void currentScalingFollowsTransformerEngine() {
        CurrentScaling te = CurrentScaling.transformerEngineDefaults();
        BlockQuantized q = te.quantize(new float[] {7f, -3.5f, 0.1f}, 1, 3);
        assertThat(q.codes()[0] & 0xFF).isEqualTo(0x7E);
        assertThat(q.codes()[1] & 0xFF).isEqualTo(0xF6);
        assertThat(q.codes()[2] & 0xFF).isEqualTo(0x4D);
        assertThat(q.scales()).containsExactly(0.015625f);
        assertThat(q.dequantize()).containsExactly(7f, -3.5f, 0.1015625f);
        CurrentScaling pow2 = new CurrentScaling(Fp8Format.E4M3FN, 0f, true);
        assertThat(pow2.scaleFor(3f)).isEqualTo(128f);
        assertThat(pow2.quantize(new float[] {3f}, 1, 1).codes()[0] & 0xFF).isEqualTo(0x7C);
        assertThat(te.scaleFor(3f)).isEqualTo(448f / 3f);
        assertThat(te.scaleFor(0f)).isEqualTo(1f);
        assertThat(te.scaleFor(Float.MIN_VALUE)).isEqualTo(Float.MAX_VALUE);
        assertThat(pow2.scaleFor(Float.MIN_VALUE)).isEqualTo(0x1p127f);
        assertThat(new CurrentScaling(Fp8Format.E4M3FN, 0.5f, false).scaleFor(0f)).as("epsilon floor").isEqualTo(896f);
    }

    /// PyTorch 2.11's casts do not saturate (docs/fp8.md#overflow-and-special-values), and DeepSeek's Triton
    /// cast saturates; for block scaling the two give the same codes on every input, because
    /// |x/s| never passes 464 and an Inf makes s infinite (x/s NaN or ±0 either way).
    @Test
    void overflowModeNeverChangesBlockScaling() {
        SplittableRandom rnd = new SplittableRandom(SEED + 5);
        int rows = 8;
        int cols = 256;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(rnd.nextInt()); // any bit pattern: NaN, Inf, subnormals, huge
            if (rnd.nextInt(4) == 0) {
                x[i] = (float) rnd.nextGaussian();
            }
        }
        x[5] = Float.MAX_VALUE;
        x[cols + 3] = Float.POSITIVE_INFINITY;
        for (boolean ue8m0 : new boolean[] {false, true}) {
            for (boolean recip : new boolean[] {false, true}) {
                BlockScaling sat = BlockScaling.tiles(1, 128).withUe8m0(ue8m0).withReciprocal(recip);
                BlockScaling nonsat = new BlockScaling(1, 128, Fp8Format.E4M3FN, Overflow.NON_SATURATE, ue8m0, recip, 1e-4f);
                assertThat(nanAsOneCode(nonsat.quantize(x, rows, cols).codes())).as("ue8m0 %s, reciprocal %s", ue8m0, recip)
                        .containsExactly(nanAsOneCode(sat.quantize(x, rows, cols).codes()));
            }
        }
    }

    /// The codes with every E4M3 NaN (0x7F and 0xFF) written as 0x7F: a NaN's sign bit is not
    /// part of its value (the JIT may flip it), so NaNs are compared as "is NaN".
    private static byte[] nanAsOneCode(byte[] codes) {
        byte[] out = codes.clone();
        for (int i = 0; i < out.length; i++) {
            if (Fp8Format.E4M3FN.isNaN(out[i] & 0xFF)) {
                out[i] = 0x7F;
            }
        }
        return out;
    }

    @Test
    void shapeErrorsNameTheValues() {
        assertThatThrownBy(() -> BlockScaling.weightBlocks().quantize(new float[10], 3, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length 10").hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> BlockScaling.tiles(0, 128)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x128");
        assertThatThrownBy(() -> new BlockQuantized(Fp8Format.E4M3FN, 2, 2, 1, 1, new byte[4], new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 4");
    }
}
