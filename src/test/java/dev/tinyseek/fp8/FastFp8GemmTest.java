package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// The fast training GEMM is the straightforward [Fp8Gemm] with `FP32_SEQUENTIAL` accumulation
/// and DeepGEMM's scale order, to the bit: over random shapes (partial tiles, fewer than 4 rows,
/// more than one column panel), scale blocks (1xT, TxT, per tensor) and promotion intervals.
class FastFp8GemmTest {

    record Case(float[] a, float[] b, int m, int n, int k, int tile, int aRows, int bRows, boolean perTensor, int nc) {
    }

    @Test
    void equalsTheReferenceToTheBit() {
        Property.forAll("fast FP8 GEMM == Fp8Gemm(FP32_SEQUENTIAL, SCALES_FIRST)",
                g -> {
                    int m = g.dim(1, 13);
                    int n = g.oneOf(g.dim(1, 40), g.dim(1, 300)); // 300 > COLS: two column panels
                    int k = g.dim(1, 200);
                    int tile = g.oneOf(8, 16, 32, 128);
                    boolean perTensor = g.chance(0.2);
                    int nc = perTensor && g.bool() ? Fp8Gemm.NEVER : tile;
                    return new Case(g.floats(m * k), g.floats(n * k), m, n, k, tile,
                            g.oneOf(1, tile), g.oneOf(1, tile), perTensor, nc);
                },
                c -> {
                    BlockQuantized qa = scaling(c, c.aRows(), c.m()).quantize(c.a(), c.m(), c.k());
                    BlockQuantized qb = scaling(c, c.bRows(), c.n()).quantize(c.b(), c.n(), c.k());
                    float[] ref = new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, c.nc(), ScaleOrder.SCALES_FIRST, false).multiply(qa, qb);
                    float[] fast = FastFp8Gemm.multiply(qa, qb, c.nc());
                    for (int i = 0; i < ref.length; i++) {
                        if (Float.floatToRawIntBits(ref[i]) != Float.floatToRawIntBits(fast[i])) {
                            fail("C[%d, %d]: fast %s, reference %s (shape %dx%dx%d, tile %d)", i / c.n(), i % c.n(),
                                    fast[i], ref[i], c.m(), c.n(), c.k(), c.tile());
                        }
                    }
                });
    }

    @Test
    void operandsStoredTransposedGiveTheSameBits() {
        Property.forAll("A stored [K, M] / B stored [K, N] == the plain layout", g -> {
            int m = g.dim(1, 13), n = g.oneOf(g.dim(1, 40), g.dim(1, 300)), k = g.dim(1, 150);
            int tile = g.oneOf(8, 32);
            return new Case(g.floats(m * k), g.floats(n * k), m, n, k, tile, g.oneOf(1, tile), g.oneOf(1, tile), false, tile);
        }, c -> {
            Fp8Values a = BlockScaling.tiles(c.aRows(), c.tile()).quantizeValues(c.a(), c.m(), c.k());
            Fp8Values b = BlockScaling.tiles(c.bRows(), c.tile()).quantizeValues(c.b(), c.n(), c.k());
            float[] want = FastFp8Gemm.multiply(a, b, c.nc());
            for (int layout = 1; layout < 4; layout++) {
                boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                float[] got = FastFp8Gemm.multiply(ta ? a.transpose() : a, ta, tb ? b.transpose() : b, tb, c.nc(),
                        layout == 2 ? FastFp8Gemm.SEQUENTIAL : FastFp8Gemm.COMMON_POOL);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                        fail("layout A%s B%s: C[%d] = %s, plain layout %s", ta ? "[K,M]" : "[M,K]", tb ? "[K,N]" : "[N,K]", i, got[i], want[i]);
                    }
                }
            }
        });
    }

    /// Shapes at the tile edges: N at one and two panel widths (`COLS`) and their neighbours, M
    /// around multiples of the 4-row micro-kernel, promotion every chunk or never, all four
    /// storage layouts, against the reference.
    @Test
    void panelAndRowBlockEdgesInEveryLayoutEqualTheReference() {
        int w = FastFp8Gemm.COLS, r = FastFp8Gemm.ROWS;
        Property.forAll("fast == reference at the tile edges", g -> {
            int m = g.oneOf(1, r - 1, r, r + 1, 2 * r - 1, 2 * r, 2 * r + 1);
            int n = g.oneOf(w - 1, w, w + 1, 2 * w - 1, 2 * w + 1);
            int k = g.oneOf(32, 64, 96);
            boolean never = g.bool();
            return new Case(g.floats(m * k), g.floats(n * k), m, n, k, 32, 1, 32, never, never ? Fp8Gemm.NEVER : 32);
        }, c -> {
            int blockCols = c.perTensor() ? c.k() : 32;
            BlockQuantized qa = BlockScaling.tiles(1, blockCols).quantize(c.a(), c.m(), c.k());
            BlockQuantized qb = BlockScaling.tiles(c.perTensor() ? c.n() : 32, blockCols).quantize(c.b(), c.n(), c.k());
            float[] want = new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, c.nc(), ScaleOrder.SCALES_FIRST, false).multiply(qa, qb);
            Fp8Values a = Fp8Values.of(qa), b = Fp8Values.of(qb);
            for (int layout = 0; layout < 4; layout++) {
                boolean ta = (layout & 1) != 0, tb = (layout & 2) != 0;
                float[] got = FastFp8Gemm.multiply(ta ? a.transpose() : a, ta, tb ? b.transpose() : b, tb, c.nc(),
                        layout == 1 ? FastFp8Gemm.SEQUENTIAL : FastFp8Gemm.COMMON_POOL);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                        fail("%dx%dx%d, layout A%s B%s, nc %d: C[%d, %d] = %s, reference %s", c.m(), c.n(), c.k(),
                                ta ? "[K,M]" : "[M,K]", tb ? "[K,N]" : "[N,K]", c.nc(), i / c.n(), i % c.n(), got[i], want[i]);
                    }
                }
            }
        });
    }

    private static BlockScaling scaling(Case c, int blockRows, int rows) {
        return c.perTensor() ? BlockScaling.tiles(rows, c.k()) : BlockScaling.tiles(blockRows, c.tile());
    }

    @Test
    void aLargeParallelProductEqualsTheSequentialReference() {
        // big enough to run on several threads: the split must not change a bit
        int m = 67, n = 300, k = 384;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        BlockQuantized qa = BlockScaling.tiles(1, 128).quantize(a, m, k);
        BlockQuantized qb = BlockScaling.tiles(128, 128).quantize(b, n, k);
        float[] ref = new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, 128, ScaleOrder.SCALES_FIRST, false).multiply(qa, qb);
        float[] fast = FastFp8Gemm.multiply(qa, qb, 128);
        for (int i = 0; i < ref.length; i++) {
            if (Float.floatToRawIntBits(ref[i]) != Float.floatToRawIntBits(fast[i])) {
                fail("C[%d]: fast %s, reference %s", i, fast[i], ref[i]);
            }
        }
    }

    @Test
    void rejectsMismatchedShapesAndChunksAcrossScaleBlocks() {
        BlockQuantized a = BlockScaling.tiles(1, 32).quantize(new float[4 * 64], 4, 64);
        BlockQuantized b = BlockScaling.tiles(32, 32).quantize(new float[3 * 48], 3, 48);
        assertThatThrownBy(() -> FastFp8Gemm.multiply(a, b, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs equal K");
        BlockQuantized b2 = BlockScaling.tiles(32, 32).quantize(new float[3 * 64], 3, 64);
        assertThatThrownBy(() -> FastFp8Gemm.multiply(a, b2, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("each chunk must lie in one scale block");
    }
}
