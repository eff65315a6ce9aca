package dev.tinyseek.fp8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinyseek.testkit.Property;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/// The edges of every public entry point of the package: each shape error names the length the
/// shape needs, the smallest legal parameter is accepted and the one below it is not, empty
/// tensors and empty products work, and each GEMM operand's scale blocks are checked on their own.
class LimitsTest {

    record Shape(int rows, int cols, int wrong) {
    }

    /// Random `[rows, cols]` (both at least 2) and a length that is not `rows·cols`.
    static Shape wrongLength(dev.tinyseek.testkit.Gen g) {
        int rows = g.dim(2, 9), cols = g.dim(2, 9);
        return new Shape(rows, cols, rows * cols + g.oneOf(-1, 1, cols));
    }

    static void namesTheNeededLength(String what, Consumer<Shape> call) {
        Property.forAll(what + " names the length a shape needs", LimitsTest::wrongLength, s ->
                assertThatThrownBy(() -> call.accept(s)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("length " + s.wrong())
                        .hasMessageContaining("[" + s.rows() + ", " + s.cols() + "]")
                        .hasMessageContaining("needs " + s.rows() * s.cols()));
    }

    @Test
    void everyShapeErrorNamesTheLengthTheShapeNeeds() {
        namesTheNeededLength("BlockScaling.quantize", s -> BlockScaling.tiles(1, 4).quantize(new float[s.wrong()], s.rows(), s.cols()));
        namesTheNeededLength("BlockScaling.quantizeValues", s -> BlockScaling.tiles(2, 3).quantizeValues(new float[s.wrong()], s.rows(), s.cols()));
        namesTheNeededLength("MxScaling.quantize", s -> MxScaling.mxfp8().quantize(new float[s.wrong()], s.rows(), s.cols()));
        namesTheNeededLength("CurrentScaling.quantize", s -> CurrentScaling.transformerEngineDefaults().quantize(new float[s.wrong()], s.rows(), s.cols()));
        namesTheNeededLength("DelayedScaling.quantize", s -> DelayedScaling.transformerEngineDefaults().quantize(new float[s.wrong()], s.rows(), s.cols()));
        namesTheNeededLength("BlockQuantized", s -> new BlockQuantized(Fp8Format.E4M3FN, s.rows(), s.cols(), 1, 1, new byte[s.wrong()], new float[s.rows() * s.cols()]));
        namesTheNeededLength("Fp8Values", s -> new Fp8Values(s.rows(), s.cols(), 1, 1, new float[s.wrong()], new float[s.rows() * s.cols()]));
    }

    @Test
    void emptyTensorsQuantiseToEmptyResults() {
        for (int[] shape : new int[][] {{0, 5}, {3, 0}, {0, 0}}) {
            int rows = shape[0], cols = shape[1];
            BlockQuantized mx = MxScaling.mxfp8().quantize(new float[0], rows, cols);
            assertThat(mx.codes()).isEmpty();
            assertThat(mx.rows()).isEqualTo(rows);
            assertThat(mx.cols()).isEqualTo(cols);
            assertThat(BlockScaling.tiles(2, 2).quantize(new float[0], rows, cols).codes()).isEmpty();
            assertThat(BlockScaling.tiles(2, 2).quantizeValues(new float[0], rows, cols).values()).isEmpty();
        }
    }

    @Test
    void theSmallestLegalParametersAreAcceptedAndTheNextOneDownIsNot() {
        // MX blocks of one element: every element gets its own power-of-two scale
        float[] x = {3f, -0.01f, 1000f, 0f};
        BlockQuantized one = new MxScaling(1, Fp8Format.E4M3FN, MxScaling.Rule.OCP_FLOOR).quantize(x, 2, 2);
        float[] back = one.dequantize();
        for (int i = 0; i < x.length; i++) {
            assertThat(back[i]).as("element %d", i).isCloseTo(x[i], org.assertj.core.data.Offset.offset(Math.abs(x[i]) / 8));
        }
        assertThatThrownBy(() -> new MxScaling(0, Fp8Format.E4M3FN, MxScaling.Rule.OCP_FLOOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockCols = 0");

        // a delayed-scaling history of one amax: the next scale follows the last tensor alone
        DelayedScaling d = new DelayedScaling(Fp8Format.E4M3FN, 1, DelayedScaling.Algorithm.MAX, 0);
        d.quantize(new float[] {100f}, 1, 1);
        d.quantize(new float[] {2f}, 1, 1);
        assertThat(d.history()).containsExactly(2f);
        assertThat(d.scale()).isEqualTo(448f / 2f);
        assertThatThrownBy(() -> new DelayedScaling(Fp8Format.E4M3FN, 0, DelayedScaling.Algorithm.MAX, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("historyLength = 0");

        // block scaling's amax floor must be positive: the smallest float is, zero is not
        assertThatCode(() -> new BlockScaling(1, 1, Fp8Format.E4M3FN, Overflow.SATURATE, false, false, Float.MIN_VALUE))
                .doesNotThrowAnyException();
        for (float bad : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new BlockScaling(1, 1, Fp8Format.E4M3FN, Overflow.SATURATE, false, false, bad))
                    .as("minAmax %s", bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minAmax");
        }

        // E8M0 holds 2^-127 .. 2^127; zero (of either sign) is no power of two
        assertThat(E8M0.ofPowerOfTwo(0x1p-127f)).isZero();
        assertThat(E8M0.ofPowerOfTwo(0x1p-126f)).isEqualTo(1);
        for (float bad : new float[] {0f, -0f, -1f, 3f, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> E8M0.ofPowerOfTwo(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a power of two");
        }
    }

    @Test
    void transformerEngineDelayedDefaultsKeepTheLast1024Amaxes() {
        DelayedScaling d = DelayedScaling.transformerEngineDefaults();
        assertThat(d.toString()).contains("E4M3FN").contains("MAX").contains("margin 0");
        for (int i = 1; i <= 1030; i++) {
            d.quantize(new float[] {i, -0.5f}, 1, 2);
        }
        float[] h = d.history();
        assertThat(h).hasSize(1024);
        assertThat(h[0]).isEqualTo(7f);
        assertThat(h[1023]).isEqualTo(1030f);
        assertThat(d.toString()).contains("history [7.0, 8.0");
    }

    record Partial(int length, float[] amaxes) {
    }

    @Test
    void theHistoryIsTheLastAmaxesOldestFirstWhetherOrNotItHasFilled() {
        Property.forAll("history() == the last min(calls, length) amaxes, oldest first", g -> {
            int length = g.dim(1, 9);
            float[] amaxes = new float[g.dim(1, 2 * length + 3)];
            for (int i = 0; i < amaxes.length; i++) {
                amaxes[i] = (float) g.doubleIn(0.01, 100);
            }
            return new Partial(length, amaxes);
        }, p -> {
            DelayedScaling d = new DelayedScaling(Fp8Format.E5M2, p.length(), DelayedScaling.Algorithm.MOST_RECENT, 0);
            for (float a : p.amaxes()) {
                d.quantize(new float[] {a / 2, -a}, 2, 1);
            }
            int n = Math.min(p.amaxes().length, p.length());
            assertThat(d.history()).containsExactly(java.util.Arrays.copyOfRange(p.amaxes(), p.amaxes().length - n, p.amaxes().length));
        });
    }

    @Test
    void emptyProductsAreEmptyArrays() {
        BlockQuantized none = BlockScaling.tiles(1, 32).quantize(new float[0], 0, 64);
        BlockQuantized some = BlockScaling.tiles(1, 32).quantize(new float[3 * 64], 3, 64);
        for (Fp8Gemm gemm : new Fp8Gemm[] {Fp8Gemm.hopper().withPromotionInterval(32),
                Fp8Gemm.hopper().withPromotionInterval(32).withAccumulation(Accumulation.EXACT)}) {
            assertThat(gemm.multiply(none, some)).isEmpty();
            assertThat(gemm.multiply(some, none)).isEmpty();
        }
        assertThat(FastFp8Gemm.multiply(none, some, 32)).isEmpty();
        assertThat(FastFp8Gemm.multiply(some, none, 32)).isEmpty();
    }

    @Test
    void eachOperandsScaleBlocksAreCheckedOnTheirOwn() {
        // chunks of 64 cross the 32-wide blocks of the coarse operand only; either side is caught
        BlockQuantized fine = BlockScaling.tiles(1, 32).quantize(new float[2 * 128], 2, 128);
        BlockQuantized wide = BlockScaling.tiles(1, 64).quantize(new float[3 * 128], 3, 128);
        for (boolean aIsFine : new boolean[] {true, false}) {
            BlockQuantized a = aIsFine ? fine : wide, b = aIsFine ? wide : fine;
            String side = aIsFine ? "A" : "B";
            assertThatThrownBy(() -> Fp8Gemm.hopper().withPromotionInterval(64).multiply(a, b))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(side + " has scale blocks 32");
            assertThatThrownBy(() -> FastFp8Gemm.multiply(a, b, 64))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(side + " has scale blocks 32");
            // and chunks that fit both are accepted
            assertThat(FastFp8Gemm.multiply(a, b, 32)).hasSize(a.rows() * b.rows());
        }
    }
}
