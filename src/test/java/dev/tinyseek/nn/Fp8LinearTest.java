package dev.tinyseek.nn;

import dev.tinyseek.fp8.Accumulation;
import dev.tinyseek.fp8.BlockQuantized;
import dev.tinyseek.fp8.BlockScaling;
import dev.tinyseek.fp8.Fp8Gemm;
import dev.tinyseek.fp8.ScaleOrder;
import dev.tinyseek.tensor.MatMul;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/// A [Linear] layer in FP8 (DeepSeek-V3's recipe, [Fp8Recipe]):
/// 1. its three GEMMs equal, to the bit, a slow composition written out here (quantise with
///    [BlockScaling], multiply with the reference [Fp8Gemm]);
/// 2. its forward and its backward are within a derived quantisation bound of the fp32 function
///    (the backward against central finite differences of the *fp32* loss);
/// 3. the fp32 path is unchanged: bit-identical to [MatMul], also after a round trip through FP8.
class Fp8LinearTest {

    record Case(int n, int in, int out, long seed, Fp8Recipe recipe,
                float[] x,    // [N, in]
                float[] dy) { // [N, out]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 40), in = g.dim(1, 40), out = g.dim(1, 40);
        int tile = g.oneOf(4, 8, 32);
        Fp8Recipe r = Fp8Recipe.deepseek(tile).withGradientBlocks(g.chance(0.3)).withPerTensor(g.chance(0.2));
        return new Case(n, in, out, g.nextSeed(), r, g.floats(n * in), g.normal(n * out, 1));
    }

    static Linear layer(Case c) {
        Linear l = new Linear("model.layers.0.mlp.down_proj", c.in(), c.out(), new Rng(c.seed()), 0.5);
        l.setPrecision(Precision.FP8, c.recipe());
        return l;
    }

    static float[] normal(Rng rng, int size, double std) {
        float[] x = new float[size];
        rng.fillNormal(x, std);
        return x;
    }

    // ---- 1. the slow composition ---------------------------------------------------------------

    /// The scaling of a `[rows, cols]` operand, written from the recipe's table (not its code).
    static BlockScaling scaling(Fp8Recipe r, int blockRows, int rows, int cols) {
        return r.perTensor() ? BlockScaling.tiles(rows, cols) : BlockScaling.tiles(blockRows, r.tile());
    }

    static float[] slowGemm(float[] a, int aBlockRows, float[] b, int bBlockRows, int m, int nn, int k, Fp8Recipe r) {
        BlockQuantized qa = scaling(r, aBlockRows, m, k).quantize(a, m, k);
        BlockQuantized qb = scaling(r, bBlockRows, nn, k).quantize(b, nn, k);
        return new Fp8Gemm(Accumulation.FP32_SEQUENTIAL, r.tile(), ScaleOrder.SCALES_FIRST, false).multiply(qa, qb);
    }

    static float[] transposed(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }

    static void assertBits(String what, float[] expected, float[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail("%s[%d]: layer %s, slow composition %s", what, i, actual[i], expected[i]);
            }
        }
    }

    @Test
    void threeGemmsEqualTheSlowCompositionToTheBit() {
        Property.forAll("fp8 linear == quantise + Fp8Gemm reference", Fp8LinearTest::make, c -> {
            Linear l = layer(c);
            int n = c.n(), in = c.in(), out = c.out();
            Fp8Recipe r = c.recipe();
            float[] w = l.weight.data;
            float[] g0 = normal(new Rng(c.seed() + 1), out * in, 1.0); // a gradient already there
            System.arraycopy(g0, 0, l.weight.grad, 0, g0.length);
            // Fprop: x in 1xT tiles, W in TxT blocks, K = in
            assertBits("y", slowGemm(c.x(), 1, w, r.tile(), n, out, in, r), l.forward(c.x(), n));
            float[] dx = l.backward(c.dy(), c.x(), n);
            // Dgrad: dy in 1xT tiles (TxT in the ablation), Wᵀ in TxT blocks, K = out
            assertBits("dx", slowGemm(c.dy(), r.gradientBlockRows(), transposed(w, out, in), r.tile(), n, in, out, r), dx);
            // Wgrad: dyᵀ and xᵀ both in 1xT tiles along the tokens, K = N; added to the gradient
            float[] dw = slowGemm(transposed(c.dy(), n, out), 1, transposed(c.x(), n, in), 1, out, in, n, r);
            for (int i = 0; i < dw.length; i++) {
                dw[i] = g0[i] + dw[i];
            }
            assertBits("dW", dw, l.weight.grad);
        });
    }

    // ---- 2. close to fp32, within the quantisation bound -----------------------------------------

    /// Half the E4M3 spacing around each element of a quantised operand: `2^-4·|v|` for normal
    /// values (3 mantissa bits), `s·2^-10` in the subnormal range (spacing `2^-9` times the scale),
    /// with a hair of slack for the fp32 division `v / s`.
    static double[] halfSpacing(float[] v, BlockQuantized q) {
        double[] e = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            int r = i / q.cols(), col = i % q.cols();
            e[i] = Math.max(0x1p-4 * Math.abs(v[i]), q.scaleAt(r, col) * 0x1p-10) * (1 + 0x1p-20);
        }
        return e;
    }

    /// For `C = A·Bᵀ` with operands off by at most `ea`, `eb` per element:
    /// `|Ĉ − C| ≤ Σ_k (|a|·eb + |b|·ea + ea·eb) + (K + 2)·2^-24·Σ_k (|a| + ea)(|b| + eb)`,
    /// the second term for the fp32 sums inside chunks, the scale product and the promotions.
    static double[] bound(float[] a, double[] ea, float[] b, double[] eb, int m, int nn, int k) {
        double[] out = new double[m * nn];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < nn; j++) {
                double q = 0, mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = Math.abs(a[i * k + p]), bv = Math.abs(b[j * k + p]);
                    double xa = ea[i * k + p], xb = eb[j * k + p];
                    q += av * xb + bv * xa + xa * xb;
                    mag += (av + xa) * (bv + xb);
                }
                out[i * nn + j] = q + (k + 2) * 0x1p-24 * mag + 1e-30;
            }
        }
        return out;
    }

    static double[] gemmBound(float[] a, int aBlockRows, float[] b, int bBlockRows, int m, int nn, int k, Fp8Recipe r) {
        BlockQuantized qa = scaling(r, aBlockRows, m, k).quantize(a, m, k);
        BlockQuantized qb = scaling(r, bBlockRows, nn, k).quantize(b, nn, k);
        return bound(a, halfSpacing(a, qa), b, halfSpacing(b, qb), m, nn, k);
    }

    static void assertWithin(String what, double[] exact, float[] actual, double[] bound) {
        for (int i = 0; i < exact.length; i++) {
            double err = Math.abs(actual[i] - exact[i]);
            if (!(err <= bound[i])) {
                fail("%s[%d]: fp8 %s, fp32 function %s, |diff| %.3g exceeds the quantisation bound %.3g",
                        what, i, actual[i], exact[i], err, bound[i]);
            }
        }
    }

    @Test
    void forwardIsWithinTheQuantisationBoundOfFp32() {
        Property.forAll("fp8 linear forward ≈ fp32 within the E4M3 bound", Fp8LinearTest::make, c -> {
            Linear l = layer(c);
            float[] y = l.forward(c.x(), c.n());
            double[] exact = Ref.linear(toDouble(c.x()), toDouble(l.weight.data), c.n(), c.in(), c.out());
            assertWithin("y", exact, y,
                    gemmBound(c.x(), 1, l.weight.data, c.recipe().tile(), c.n(), c.out(), c.in(), c.recipe()));
        });
    }

    @Test
    void backwardIsWithinTheQuantisationBoundOfFiniteDifferencesOfTheFp32Loss() {
        Property.forAll("fp8 linear backward ≈ finite differences of the fp32 loss", g -> {
            Case c = make(g);
            int n = Math.min(c.n(), 8), in = Math.min(c.in(), 8), out = Math.min(c.out(), 8); // FD cost
            return new Case(n, in, out, c.seed(), c.recipe(), java.util.Arrays.copyOf(c.x(), n * in),
                    java.util.Arrays.copyOf(c.dy(), n * out));
        }, c -> {
            Linear l = layer(c);
            int n = c.n(), in = c.in(), out = c.out();
            Fp8Recipe r = c.recipe();
            float[] w = l.weight.data.clone();
            float[] dx = l.backward(c.dy(), c.x(), n);
            float[] dw = l.weight.grad;
            // the fp32 loss L(x, W) = Σ dy ⊙ (x Wᵀ), differentiated numerically in double
            double[] dyD = toDouble(c.dy());
            double[][] args = {toDouble(c.x()), toDouble(w)};
            java.util.function.ToDoubleFunction<double[][]> loss =
                    a -> GradCheck.dot(dyD, Ref.linear(a[0], a[1], n, in, out));
            double[] numDx = GradCheck.numeric(loss, args, 0);
            double[] numDw = GradCheck.numeric(loss, args, 1);
            double fd = 1e-6 * (GradCheck.maxAbs(numDx) + GradCheck.maxAbs(numDw)) + 1e-9; // FD's own error
            double[] bx = gemmBound(c.dy(), r.gradientBlockRows(), transposed(w, out, in), r.tile(), n, in, out, r);
            double[] bw = gemmBound(transposed(c.dy(), n, out), 1, transposed(c.x(), n, in), 1, out, in, n, r);
            for (int i = 0; i < bx.length; i++) {
                bx[i] += fd;
            }
            for (int i = 0; i < bw.length; i++) {
                bw[i] += fd;
            }
            assertWithin("dx", numDx, dx, bx);
            assertWithin("dW", numDw, dw, bw);
        });
    }

    @Test
    void fp8IsNotFp32() {
        // the bound above must not be vacuous: on ordinary data FP8 is visibly off, by a few percent
        Rng rng = new Rng(3);
        int n = 64, in = 64, out = 32;
        Linear l = new Linear("w", in, out, rng, 0.1);
        float[] x = normal(rng, n * in, 1.0);
        float[] y32 = l.forward(x, n);
        l.setPrecision(Precision.FP8, Fp8Recipe.deepseek(32));
        float[] y8 = l.forward(x, n);
        double num = 0, den = 0;
        for (int i = 0; i < y32.length; i++) {
            num += (y8[i] - y32[i]) * (double) (y8[i] - y32[i]);
            den += y32[i] * (double) y32[i];
        }
        double rel = Math.sqrt(num / den);
        assertThat(rel).isGreaterThan(0.003).isLessThan(0.05);
    }

    // ---- 3. fp32 unaffected ------------------------------------------------------------------

    @Test
    void fp32PathIsBitIdenticalToMatMulAlsoAfterAnFp8RoundTrip() {
        Property.forAll("fp32 linear == MatMul, before and after FP8", Fp8LinearTest::make, c -> {
            Linear l = new Linear("w", c.in(), c.out(), new Rng(c.seed()), 0.5);
            float[] w = l.weight.data;
            float[] y = new float[c.n() * c.out()];
            MatMul.forward(y, c.x(), w, null, c.n(), c.in(), c.out());
            float[] dx = new float[c.n() * c.in()];
            float[] dw = new float[w.length];
            MatMul.backward(dx, dw, null, c.dy(), c.x(), w, c.n(), c.in(), c.out());
            for (int round = 0; round < 2; round++) {
                java.util.Arrays.fill(l.weight.grad, 0f);
                assertThat(l.precision()).isEqualTo(Precision.FP32);
                assertBits("y", y, l.forward(c.x(), c.n()));
                assertBits("dx", dx, l.backward(c.dy(), c.x(), c.n()));
                assertBits("dW", dw, l.weight.grad);
                l.setPrecision(Precision.FP8, c.recipe());
                l.forward(c.x(), c.n());
                l.setPrecision(Precision.FP32, null);
            }
        });
    }

    @Test
    void badSettingsAreNamed() {
        Linear l = new Linear("model.layers.0.mlp.up_proj", 4, 4, new Rng(1), 0.1);
        assertThatThrownBy(() -> l.setPrecision(Precision.FP8, null))
                .hasMessageContaining("model.layers.0.mlp.up_proj.weight").hasMessageContaining("Fp8Recipe");
        assertThatThrownBy(() -> Fp8Recipe.deepseek(0)).hasMessageContaining("tile = 0");
        assertThatThrownBy(() -> Fp8Recipe.deepseek(16).withAccumulation(Accumulation.HOPPER_E8M13))
                .hasMessageContaining("multiple of 32");
        assertThatThrownBy(() -> Precision.parse("fp16")).hasMessageContaining("use fp32 or fp8");
        assertThat(Precision.parse("FP8")).isEqualTo(Precision.FP8);
        l.setPrecision(Precision.FP8, Fp8Recipe.deepseek(4));
        assertThatThrownBy(() -> l.forward(new float[7], 2)).hasMessageContaining("x has length 7");
    }
}
