package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// `y = x Wᵀ + b` against a naive double reference, and its backward against finite differences.
class MatMulTest {

    record Case(int n, int in, int out,
                float[] x,   // [N, in]
                float[] w,   // [out, in]
                float[] b,   // [out] or null
                float[] dy) { // [N, out]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 6), in = g.dim(1, 9), out = g.dim(1, 7);
        return new Case(n, in, out, g.floats(n * in), g.normal(out * in, 0.5),
                g.bool() ? g.normal(out, 1) : null, g.normal(n * out, 1));
    }

    /// The reference, straight from the definition, in double.
    static double[] reference(double[] x, double[] w, double[] b, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int p = 0; p < in; p++) {
                    s += x[i * in + p] * w[o * in + p];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    @Test
    void forwardMatchesDoubleReference() {
        Property.forAll("matmul forward ≈ double reference", MatMulTest::make, c -> {
            float[] y = new float[c.n() * c.out()];
            MatMul.forward(y, c.x(), c.w(), c.b(), c.n(), c.in(), c.out());
            double[] ref = reference(toDouble(c.x()), toDouble(c.w()), c.b() == null ? null : toDouble(c.b()), c.n(), c.in(), c.out());
            // a float dot product of length `in` is within γ_in·Σ|x w| of the exact one (γ_k = k·u/(1−k·u),
            // u = 2^-24), and adding the bias rounds once more: bound each entry by (in+2)·u·(Σ|x w| + |b|)
            double u = 0x1p-24;
            for (int i = 0; i < c.n(); i++) {
                for (int o = 0; o < c.out(); o++) {
                    double abs = c.b() == null ? 0 : Math.abs(c.b()[o]);
                    for (int p = 0; p < c.in(); p++) {
                        abs += Math.abs((double) c.x()[i * c.in() + p] * c.w()[o * c.in() + p]);
                    }
                    assertThat(Math.abs(y[i * c.out() + o] - ref[i * c.out() + o]))
                            .as("y[%d,%d]", i, o).isLessThanOrEqualTo((c.in() + 2) * u * abs + 1e-38);
                }
            }
        });
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("matmul backward ≈ finite differences", MatMulTest::make, c -> {
            int n = c.n(), in = c.in(), out = c.out();
            float[] dx = new float[n * in], dw = new float[out * in], db = c.b() == null ? null : new float[out];
            MatMul.backward(dx, dw, db, c.dy(), c.x(), c.w(), n, in, out);

            double[] dyD = toDouble(c.dy());
            double[][] args = {toDouble(c.x()), toDouble(c.w()), c.b() == null ? new double[0] : toDouble(c.b())};
            java.util.function.ToDoubleFunction<double[][]> loss =
                    a -> GradCheck.dot(dyD, reference(a[0], a[1], c.b() == null ? null : a[2], n, in, out));
            GradCheck.assertGradient("dx", GradCheck.numeric(loss, args, 0), dx);
            GradCheck.assertGradient("dW", GradCheck.numeric(loss, args, 1), dw);
            if (db != null) {
                GradCheck.assertGradient("db", GradCheck.numeric(loss, args, 2), db);
            }
        });
    }

    @Test
    void backwardAccumulates() {
        Property.forAll(0.5, "matmul backward accumulates", MatMulTest::make, c -> {
            int n = c.n(), in = c.in(), out = c.out();
            float[] dx1 = new float[n * in], dw1 = new float[out * in], db1 = new float[out];
            MatMul.backward(dx1, dw1, db1, c.dy(), c.x(), c.w(), n, in, out);
            float[] dx2 = new float[n * in], dw2 = new float[out * in], db2 = new float[out];
            MatMul.backward(dx2, dw2, db2, c.dy(), c.x(), c.w(), n, in, out);
            MatMul.backward(dx2, dw2, db2, c.dy(), c.x(), c.w(), n, in, out);
            GradCheck.assertAccumulates("dx", dx1, dx2);
            GradCheck.assertAccumulates("dW", dw1, dw2);
            GradCheck.assertAccumulates("db", db1, db2);
        });
    }

    @Test
    void nullGradientsAreSkipped() {
        // a frozen weight (dW null) or an input that needs no gradient (dx null)
        Case c = make(new Gen(3, 50));
        float[] dx = new float[c.n() * c.in()];
        MatMul.backward(dx, null, null, c.dy(), c.x(), c.w(), c.n(), c.in(), c.out());
        float[] dw = new float[c.out() * c.in()];
        MatMul.backward(null, dw, null, c.dy(), c.x(), c.w(), c.n(), c.in(), c.out());
        assertThat(GradCheck.maxAbs(dx)).isPositive();
        assertThat(GradCheck.maxAbs(dw)).isPositive();
    }

    @Test
    void wrongShapesThrowNamingTheArrayItsShapeAndItsLength() {
        assertThatThrownBy(() -> MatMul.forward(new float[6], new float[7], new float[12], null, 2, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul: x has 7 floats but shape [2, 4] needs 8");
        assertThatThrownBy(() -> MatMul.forward(new float[6], new float[8], new float[11], null, 2, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("W has 11 floats but shape [3, 4] needs 12");
        assertThatThrownBy(() -> MatMul.forward(new float[6], new float[8], new float[12], new float[2], 2, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b has 2 floats but shape [3] needs 3");
        assertThatThrownBy(() -> MatMul.backward(new float[8], new float[12], null, new float[5], new float[8], new float[12], 2, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dy has 5 floats but shape [2, 3] needs 6");
        assertThatThrownBy(() -> MatMul.backward(new float[8], new float[13], null, new float[6], new float[8], new float[12], 2, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dW has 13 floats but shape [3, 4] needs 12");
    }
}
