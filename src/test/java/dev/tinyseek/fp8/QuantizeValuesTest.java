package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.fail;

import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// The training quantiser that skips the bytes: [BlockScaling#roundE4m3Saturating] equals
/// `E4M3FN.round(v, SATURATE)` (itself held to the `BigDecimal` reference in [Fp8FormatTest]),
/// and [BlockScaling#quantizeValues] equals [BlockScaling#quantize] followed by a decode.
class QuantizeValuesTest {

    private static void check(float v) {
        float want = Fp8Format.E4M3FN.round(v, Overflow.SATURATE);
        float got = BlockScaling.roundE4m3Saturating(v);
        if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) {
            fail("round(%s = 0x%08x): fast %s, codec %s", v, Float.floatToRawIntBits(v), got, want);
        }
    }

    @Test
    void bitRoundingEqualsTheCodecOnMidpointsNeighboursAndASweepOfAllFloats() {
        // 1. every E4M3 value and every midpoint, with their float neighbours, both signs
        ExactReference ref = ExactReference.of(Fp8Format.E4M3FN);
        java.util.List<Float> points = new java.util.ArrayList<>(ref.midpoints());
        for (int c = 0; c <= 0x7E; c++) {
            points.add(Fp8Format.E4M3FN.decode(c));
        }
        points.add(464f);
        points.add(0x1p-6f);
        for (float p : points) {
            for (float v : new float[] {p, Math.nextUp(p), Math.nextDown(p)}) {
                check(v);
                check(-v);
            }
        }
        // 2. a sweep of all 2^32 bit patterns with an odd stride (NaN, Inf, subnormals included)
        for (long u = 0; u < (1L << 32); u += 1021) {
            check(Float.intBitsToFloat((int) u));
        }
        check(Float.NaN);
        check(Float.POSITIVE_INFINITY);
        check(Float.NEGATIVE_INFINITY);
        check(-0f);
    }

    record Case(float[] x, int rows, int cols, BlockScaling scaling) {
    }

    @Test
    void quantizeValuesEqualsQuantizeThenDecode() {
        Property.forAll("quantizeValues == decode(quantize)", g -> {
            int rows = g.dim(0, 20), cols = g.dim(0, 70);
            BlockScaling s = BlockScaling.tiles(g.oneOf(1, 3, 32), g.oneOf(1, 16, 32, 128))
                    .withUe8m0(g.chance(0.3)).withReciprocal(g.chance(0.3));
            if (g.chance(0.2)) { // the codec path of other formats
                s = new BlockScaling(s.blockRows(), s.blockCols(), g.oneOf(Fp8Format.E5M2, Fp8Format.E4M3FN),
                        g.oneOf(Overflow.values()), s.ue8m0(), s.reciprocal(), s.minAmax());
            }
            return new Case(g.floats(rows * cols), rows, cols, s);
        }, c -> {
            Fp8Values want = Fp8Values.of(c.scaling().quantize(c.x(), c.rows(), c.cols()));
            Fp8Values got = c.scaling().quantizeValues(c.x(), c.rows(), c.cols());
            for (int i = 0; i < want.values().length; i++) {
                if (Float.floatToRawIntBits(want.values()[i]) != Float.floatToRawIntBits(got.values()[i])) {
                    fail("value %d of x = %s: %s, expected %s (%s)", i, c.x()[i], got.values()[i], want.values()[i], c.scaling());
                }
            }
            org.assertj.core.api.Assertions.assertThat(got.scales()).isEqualTo(want.scales());
        });
    }

    record Grid(int rows, int cols, float amax, long seed) {
    }

    /// Every format and overflow mode, dividing or multiplying by the reciprocal, blocks one
    /// column wide or wider: each block holds its amax `±A` at its first element and otherwise
    /// values whose scaled form lies within a few float steps of a rounding midpoint of the format,
    /// where dividing by the scale and multiplying by its reciprocal can round differently.
    @Test
    void quantizeValuesEqualsQuantizeThenDecodeAtTheScaledMidpointsOfEveryFormat() {
        Property.forAll("quantizeValues == decode(quantize) at scaled midpoints",
                g -> new Grid(g.dim(2, 9), g.dim(2, 40), (float) g.doubleIn(0.01, 1000), g.nextSeed()), grid -> {
            for (Fp8Format format : Fp8Format.values()) {
                java.util.List<Float> mids = ExactReference.of(format).midpoints();
                for (Overflow overflow : Overflow.values()) {
                    for (boolean reciprocal : new boolean[] {false, true}) {
                        for (int blockCols : new int[] {1, 4, 16}) {
                            BlockScaling s = new BlockScaling(blockCols == 1 ? 3 : 2, blockCols, format, overflow, false, reciprocal, 1e-4f);
                            float[] x = nearMidpoints(grid, s, mids);
                            Fp8Values want = Fp8Values.of(s.quantize(x, grid.rows(), grid.cols()));
                            Fp8Values got = s.quantizeValues(x, grid.rows(), grid.cols());
                            for (int i = 0; i < x.length; i++) {
                                if (Float.floatToRawIntBits(want.values()[i]) != Float.floatToRawIntBits(got.values()[i])) {
                                    fail("value %d of x = %s: %s, expected %s (%s)", i, x[i], got.values()[i], want.values()[i], s);
                                }
                            }
                            org.assertj.core.api.Assertions.assertThat(got.scales()).isEqualTo(want.scales());
                        }
                    }
                }
            }
        });
    }

    /// `[rows, cols]`: `±A` at each block's first element, elsewhere `±mid · scale(A)` moved by
    /// up to two float steps (and kept below `A`).
    private static float[] nearMidpoints(Grid grid, BlockScaling s, java.util.List<Float> mids) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(grid.seed());
        float a = grid.amax(), scale = s.scaleFor(a);
        float[] x = new float[grid.rows() * grid.cols()];
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.cols(); c++) {
                float v = a;
                if (r % s.blockRows() != 0 || c % s.blockCols() != 0) {
                    v = mids.get(rnd.nextInt(mids.size())) * scale;
                    for (int step = rnd.nextInt(-2, 3); step != 0; step -= Integer.signum(step)) {
                        v = step > 0 ? Math.nextUp(v) : Math.nextDown(v);
                    }
                    v = Math.min(v, Math.nextDown(a));
                }
                x[r * grid.cols() + c] = rnd.nextBoolean() ? v : -v;
            }
        }
        return x;
    }

    @Test
    void transposeKeepsEveryBlock() {
        float[] x = new float[5 * 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 1.7) * (i % 5 + 1);
        }
        Fp8Values v = BlockScaling.tiles(2, 3).quantizeValues(x, 5, 7);
        Fp8Values t = v.transpose();
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 7; c++) {
                if (v.values()[r * 7 + c] != t.values()[c * 5 + r] || v.scaleAt(r, c) != t.scaleAt(c, r)) {
                    fail("[%d, %d] differs after transposing", r, c);
                }
            }
        }
    }
}
