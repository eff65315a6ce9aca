package dev.tinyseek.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// The FP8 linear's two paths (the fast one for fp32 accumulation, the reference GEMM for the
/// others) quantise the same operands the same way, so they differ only by fp32 rounding; the
/// weight gradient is added to what is there; every operand's shape is checked.
class Fp8LinearPathsTest {

    record Case(int n, int in, int out, int tile, boolean perTensor, boolean blocks, float[] x, float[] w, float[] dy,
                float[] dw0) {
    }

    @Test
    void theExactAccumulationPathAgreesWithTheFastPath() {
        Property.forAll(8, "fp8 linear: EXACT path vs FP32_SEQUENTIAL path", g -> {
            int n = g.dim(2, 9), in = g.dim(1, 11), out = g.dim(1, 7), tile = g.oneOf(2, 4, 8);
            return new Case(n, in, out, tile, g.chance(0.25), g.bool(), g.normal(n * in, 1), g.normal(out * in, 0.5),
                    g.normal(n * out, 1), g.normal(out * in, 1));
        }, c -> {
            Fp8Recipe fast = Fp8Recipe.deepseek(c.tile).withPerTensor(c.perTensor).withGradientBlocks(c.blocks);
            Fp8Recipe exact = fast.withAccumulation(Accumulation.EXACT);
            assertThat(exact.accumulation()).isEqualTo(Accumulation.EXACT);
            assertThat(exact.gradientBlockRows()).isEqualTo(c.blocks ? c.tile : 1);
            float[] yFast = Fp8Linear.forward(c.x, c.w, c.n, c.in, c.out, fast);
            float[] yExact = Fp8Linear.forward(c.x, c.w, c.n, c.in, c.out, exact);
            GradCheck.assertClose("y", GradCheck.toDouble(yExact), yFast, 1e-5, 1e-5);
            float[] dwFast = c.dw0.clone(), dwExact = c.dw0.clone();
            float[] dxFast = Fp8Linear.backward(dwFast, c.dy, c.x, c.w, c.n, c.in, c.out, fast);
            float[] dxExact = Fp8Linear.backward(dwExact, c.dy, c.x, c.w, c.n, c.in, c.out, exact);
            GradCheck.assertClose("dx", GradCheck.toDouble(dxExact), dxFast, 1e-5, 1e-5);
            GradCheck.assertClose("dW", GradCheck.toDouble(dwExact), dwFast, 1e-5, 1e-5);
            // dW is added: the increment is close to the fp32 dyᵀ·x
            double[] want = new double[c.out * c.in];
            double[] bound = new double[want.length];
            for (int o = 0; o < c.out; o++) {
                for (int i = 0; i < c.in; i++) {
                    for (int t = 0; t < c.n; t++) {
                        want[o * c.in + i] += (double) c.dy[t * c.out + o] * c.x[t * c.in + i];
                        bound[o * c.in + i] += 0.2 * Math.abs((double) c.dy[t * c.out + o] * c.x[t * c.in + i]);
                    }
                }
            }
            for (int k = 0; k < want.length; k++) {
                assertThat(Math.abs(dwExact[k] - c.dw0[k] - want[k])).as("dW[%d] increment", k).isLessThanOrEqualTo(bound[k] + 1e-6);
            }
        });
    }

    @Test
    void everyOperandShapeIsChecked() {
        Fp8Recipe r = Fp8Recipe.deepseek(4);
        int n = 3, in = 5, out = 2;
        float[] x = new float[n * in], w = new float[out * in], dy = new float[n * out], dw = new float[out * in];
        new Rng(1).fillNormal(x, 1);
        assertThatThrownBy(() -> Fp8Linear.forward(new float[n * in - 1], w, n, in, out, r)).hasMessageStartingWith("fp8 linear: x has length 14");
        assertThatThrownBy(() -> Fp8Linear.forward(x, new float[out * in + 1], n, in, out, r)).hasMessageStartingWith("fp8 linear: W has length 11");
        assertThatThrownBy(() -> Fp8Linear.backward(dw, new float[1], x, w, n, in, out, r)).hasMessageStartingWith("fp8 linear: dy has length 1");
        assertThatThrownBy(() -> Fp8Linear.backward(dw, dy, new float[2], w, n, in, out, r)).hasMessageStartingWith("fp8 linear: x has length 2");
        assertThatThrownBy(() -> Fp8Linear.backward(dw, dy, x, new float[3], n, in, out, r)).hasMessageStartingWith("fp8 linear: W has length 3");
        assertThatThrownBy(() -> Fp8Linear.backward(new float[4], dy, x, w, n, in, out, r))
                .hasMessage("fp8 linear: dW has length 4 but shape [2, 5] needs 10");
        assertThatThrownBy(() -> Fp8Linear.forward(null, w, n, in, out, r)).hasMessageContaining("x has length null");
        assertThat(Fp8Linear.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void recipeSettingsAreCheckedAtTheirBoundaries() {
        new Fp8Recipe(1, Accumulation.FP32_SEQUENTIAL, false, 1); // the smallest tile
        assertThatThrownBy(() -> new Fp8Recipe(0, Accumulation.FP32_SEQUENTIAL, false, 1)).hasMessageContaining("tile = 0");
        new Fp8Recipe(32, Accumulation.HOPPER_E8M13, false, 32);
        assertThatThrownBy(() -> new Fp8Recipe(48, Accumulation.HOPPER_E8M13, false, 1)).hasMessageContaining("tile = 48 must be a multiple of 32");
        new Fp8Recipe(48, Accumulation.EXACT, false, 48);
        assertThatThrownBy(() -> new Fp8Recipe(8, Accumulation.EXACT, false, 2)).hasMessageContaining("gradientBlockRows = 2");
        assertThatThrownBy(() -> new Fp8Recipe(8, null, false, 1)).hasMessageContaining("accumulation must be given");
        Fp8Recipe r = Fp8Recipe.deepseek(8);
        assertThat(r.withGradientBlocks(true).gradientBlockRows()).isEqualTo(8);
        assertThat(r.withGradientBlocks(true).withGradientBlocks(false).gradientBlockRows()).isEqualTo(1);
        assertThat(r.withPerTensor(true).perTensor()).isTrue();
        assertThat(Fp8Recipe.deepseek(32).withAccumulation(Accumulation.HOPPER_E8M13))
                .isEqualTo(new Fp8Recipe(32, Accumulation.HOPPER_E8M13, false, 1));
    }
}
