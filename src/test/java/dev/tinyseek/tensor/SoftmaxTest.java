package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/// Row-wise softmax: a double reference, rows summing to one, large logits, backward by finite differences.
class SoftmaxTest {

    record Case(int n, int v,
                float[] x,    // [N, V]
                float[] dy) { // [N, V]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 5), v = g.dim(1, 12);
        return new Case(n, v, g.floats(n * v), g.normal(n * v, 1));
    }

    static double[] reference(double[] x, int n, int v) {
        double[] y = new double[n * v];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, x[i * v + j]);
            }
            double s = 0;
            for (int j = 0; j < v; j++) {
                s += Math.exp(x[i * v + j] - max);
            }
            for (int j = 0; j < v; j++) {
                y[i * v + j] = Math.exp(x[i * v + j] - max) / s;
            }
        }
        return y;
    }

    static float[] forward(Case c) {
        float[] y = new float[c.n() * c.v()];
        Softmax.forward(y, c.x(), c.n(), c.v());
        return y;
    }

    @Test
    void forwardMatchesDoubleReference() {
        // each y carries the rounding of x − max (u·|x − max|, which exp turns into a relative
        // error), of exp and of the division, plus the V-term normalising sum: with V ≤ 12 and
        // |x − max| ≲ 60 wherever y is above float's underflow that is below 1e-5 relative;
        // entries that underflow (y < 1e-38) are compared absolutely
        Property.forAll("softmax forward ≈ double reference", SoftmaxTest::make,
                c -> GradCheck.assertClose("y", reference(toDouble(c.x()), c.n(), c.v()), forward(c), 1e-5, 1e-38));
    }

    @Test
    void rowsSumToOne() {
        Property.forAll("softmax rows sum to one", g -> {
            int n = g.dim(1, 8), v = g.dim(1, 300);
            return new Case(n, v, g.floats(n * v), null);
        }, c -> {
            float[] y = forward(c);
            for (int i = 0; i < c.n(); i++) {
                double s = 0;
                for (int j = 0; j < c.v(); j++) {
                    assertThat(y[i * c.v() + j]).isBetween(0f, 1f);
                    s += y[i * c.v() + j];
                }
                // V products each off by a few u, plus the rounding of 1/sum
                assertThat(s).as("row %d", i).isCloseTo(1.0, within((c.v() + 4) * 0x1p-24));
            }
        });
    }

    @Test
    void largeLogitsGiveNoOverflowAndShiftInvariance() {
        // logits up to ±3e38 (a naive exp would overflow at 89): the result is finite and equals
        // the reference, and adding a constant to a row changes nothing
        Property.forAll("softmax of huge logits", g -> {
            int n = g.dim(1, 4), v = g.dim(1, 10);
            float[] x = g.floats(n * v);
            double scale = g.oneOf(1e2, 1e4, 1e30, 1e36);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.max(-3e38, Math.min(3e38, x[i] * scale));
            }
            return new Case(n, v, x, null);
        }, c -> {
            float[] y = forward(c);
            for (float v : y) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            GradCheck.assertClose("y", reference(toDouble(c.x()), c.n(), c.v()), y, 1e-5, 1e-38);
        });
        float[] x = {1000f, 1001f, 1002f};
        float[] y = new float[3];
        Softmax.forward(y, x, 1, 3);
        float[] y0 = new float[3];
        Softmax.forward(y0, new float[]{0f, 1f, 2f}, 1, 3);
        assertThat(y).containsExactly(y0); // x − max is exact here, so the results are identical
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("softmax backward ≈ finite differences", SoftmaxTest::make, c -> {
            float[] y = forward(c);
            float[] dx = new float[y.length];
            Softmax.backward(dx, c.dy(), y, c.n(), c.v());
            double[] dyD = toDouble(c.dy());
            double[] numeric = GradCheck.numeric(x -> GradCheck.dot(dyD, reference(x, c.n(), c.v())), toDouble(c.x()));
            GradCheck.assertGradient("dx", numeric, dx);
        });
    }

    @Test
    void backwardAccumulates() {
        Property.forAll(0.5, "softmax backward accumulates", SoftmaxTest::make, c -> {
            float[] y = forward(c);
            float[] once = new float[y.length], twice = new float[y.length];
            Softmax.backward(once, c.dy(), y, c.n(), c.v());
            Softmax.backward(twice, c.dy(), y, c.n(), c.v());
            Softmax.backward(twice, c.dy(), y, c.n(), c.v());
            GradCheck.assertAccumulates("dx", once, twice);
        });
    }

    @Test
    void partlyMaskedRowsWorkAndFullyMaskedRowsThrow() {
        float[] y = new float[3];
        Softmax.forward(y, new float[]{0f, Float.NEGATIVE_INFINITY, 0f}, 1, 3);
        assertThat(y).containsExactly(0.5f, 0f, 0.5f);
        float ninf = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> Softmax.forward(new float[4], new float[]{1f, 2f, ninf, ninf}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("all masked");
    }

    @Test
    void wrongShapesThrow() {
        assertThatThrownBy(() -> Softmax.forward(new float[6], new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softmax: x has 5 floats but shape [2, 3] needs 6");
        assertThatThrownBy(() -> Softmax.backward(new float[6], new float[6], new float[7], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("y has 7 floats but shape [2, 3] needs 6");
    }
}
