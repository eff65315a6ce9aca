package dev.tinyseek.nn;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.function.ToDoubleFunction;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The linear layer `y = x Wᵀ` (no bias, W `[out, in]` under its HF name).
class LinearTest {

    record Case(int n, int in, int out, long seed,
                float[] x,    // [N, in]
                float[] dy) { // [N, out]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 5), in = g.dim(1, 8), out = g.dim(1, 7);
        return new Case(n, in, out, g.nextSeed(), g.floats(n * in), g.normal(n * out, 1));
    }

    static Linear layer(Case c) {
        return new Linear("model.layers.0.mlp.down_proj", c.in(), c.out(), new Rng(c.seed()), 0.5);
    }

    @Test
    void nameShapeAndInitialisation() {
        Linear l = new Linear("model.layers.3.self_attn.q_a_proj", 6, 4, new Rng(1), 0.02);
        assertThat(l.weight.name).isEqualTo("model.layers.3.self_attn.q_a_proj.weight");
        assertThat(l.weight.shape).containsExactly(4, 6); // [out, in]
        assertThat(l.weight.grad).containsOnly(0f);
        assertThat(GradCheck.maxAbs(l.weight.data)).isPositive().isLessThan(0.2);
    }

    @Test
    void forwardMatchesDoubleReference() {
        // float dot products of length ≤ 8 with |x| ≤ 1000: (in+1)·u relative to Σ|x w|,
        // checked against 1e-6 of the largest |x|·Σ|w| instead of per entry (cf. MatMulTest)
        Property.forAll("linear forward ≈ double reference", LinearTest::make, c -> {
            Linear l = layer(c);
            float[] y = l.forward(c.x(), c.n());
            double scale = GradCheck.maxAbs(c.x()) * GradCheck.maxAbs(l.weight.data) * c.in();
            GradCheck.assertClose("y", Ref.linear(toDouble(c.x()), toDouble(l.weight.data), c.n(), c.in(), c.out()), y,
                    1e-6, 1e-6 * scale + 1e-30);
        });
    }

    @Test
    void backwardMatchesFiniteDifferencesAndAccumulates() {
        Property.forAll("linear backward ≈ finite differences", LinearTest::make, c -> {
            Linear l = layer(c);
            float[] dx = l.backward(c.dy(), c.x(), c.n());
            float[] dw = l.weight.grad.clone();
            double[] dyD = toDouble(c.dy());
            double[][] args = {toDouble(c.x()), toDouble(l.weight.data)};
            ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dyD, Ref.linear(a[0], a[1], c.n(), c.in(), c.out()));
            GradCheck.assertGradient("dx", GradCheck.numeric(loss, args, 0), dx);
            GradCheck.assertGradient("dW", GradCheck.numeric(loss, args, 1), dw);

            float[] dx2 = l.backward(c.dy(), c.x(), c.n());
            GradCheck.assertAccumulates("W.grad", dw, l.weight.grad);
            GradCheck.assertBitEqual("dx (returned fresh, not accumulated)", dx, dx2);
        });
    }

    @Test
    void fewRowsFromTheDecodingLayoutEqualTheGemmAndANewStateSeesWeightChanges() {
        // decoding (1-8 rows) multiplies by the transposed W held in a DecodingWeights; it must give
        // MatMul's bits; after a weight is written by hand (nothing announced), a new DecodingWeights
        // reads the new values, and the read-as-stored control always reads W itself
        Property.forAll("linear few-row path == MatMul, before and after a hand-written weight", g -> {
            int n = g.intIn(1, 8), in = g.dim(1, 40), out = g.dim(1, 40);
            return new Case(n, in, out, g.nextSeed(), g.floats(n * in), g.normal(n * out, 1));
        }, c -> {
            Linear l = layer(c);
            for (int round = 0; round < 2; round++) {
                float[] expected = new float[c.n() * c.out()];
                dev.tinyseek.tensor.MatMul.forward(expected, c.x(), l.weight.data, null, c.n(), c.in(), c.out());
                DecodingWeights w = new DecodingWeights();
                GradCheck.assertBitEqual("y while decoding (round " + round + ")", expected, l.forward(c.x(), c.n(), w));
                GradCheck.assertBitEqual("y again from the same layout (round " + round + ")", expected, l.forward(c.x(), c.n(), w));
                assertThat(w.size()).as("layers transposed").isEqualTo(dev.tinyseek.backend.Backends.gemm().naiveBits() ? 1 : 0);
                GradCheck.assertBitEqual("y read as stored (round " + round + ")", expected,
                        l.forward(c.x(), c.n(), DecodingWeights.asStored()));
                for (int i = 0; i < l.weight.data.length; i++) {
                    l.weight.data[i] = -2 * l.weight.data[i] + 0.25f;
                }
            }
            assertThat(DecodingWeights.asStored().size()).isZero();
        });
    }

    @Test
    void aNullDecodingLayoutIsAClearError() {
        Linear l = new Linear("m.o_proj", 3, 2, new Rng(1), 0.1);
        assertThatThrownBy(() -> l.forward(new float[3], 1, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m.o_proj.weight").hasMessageContaining("DecodingWeights.asStored()");
    }
}
