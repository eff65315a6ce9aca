package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.function.ToDoubleFunction;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// RMSNorm `y = w ⊙ x / sqrt(mean(x²) + eps)`: double reference and finite differences for x and w.
class RmsNormTest {

    record Case(int n, int c, float eps,
                float[] x,    // [N, C]
                float[] w,    // [C]
                float[] dy) { // [N, C]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 5), c = g.dim(1, 12);
        float eps = g.oneOf(1e-6f, 1e-5f, 1e-2f);
        return new Case(n, c, eps, g.floats(n * c), g.normal(c, 1), g.normal(n * c, 1));
    }

    @Test
    void forwardMatchesDoubleReference() {
        // the sum of squares runs in double; r is rounded to float once, then two float products:
        // about 3u ≈ 2e-7 relative per entry, checked at 1e-6
        Property.forAll("rmsnorm forward ≈ double reference", RmsNormTest::make, c -> {
            float[] y = new float[c.n() * c.c()];
            float[] rstd = new float[c.n()];
            RmsNorm.forward(y, rstd, c.x(), c.w(), c.n(), c.c(), c.eps());
            GradCheck.assertClose("y", dev.tinyseek.testkit.DoubleRef.rmsNorm(toDouble(c.x()), toDouble(c.w()), c.n(), c.c(), c.eps()), y, 1e-6, 1e-37);
            double[] ones = new double[c.c()];
            java.util.Arrays.fill(ones, 1);
            for (int i = 0; i < c.n(); i++) {
                double ss = 0;
                for (int j = 0; j < c.c(); j++) {
                    ss += (double) c.x()[i * c.c() + j] * c.x()[i * c.c() + j];
                }
                GradCheck.assertClose("rstd[" + i + "]", new double[]{1 / Math.sqrt(ss / c.c() + c.eps())},
                        new float[]{rstd[i]}, 1e-7, 0);
            }
        });
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("rmsnorm backward ≈ finite differences", RmsNormTest::make, c -> {
            int n = c.n(), ch = c.c();
            float[] y = new float[n * ch], rstd = new float[n];
            RmsNorm.forward(y, rstd, c.x(), c.w(), n, ch, c.eps());
            float[] dx = new float[n * ch], dw = new float[ch];
            RmsNorm.backward(dx, dw, c.dy(), c.x(), c.w(), rstd, n, ch);
            double[] dyD = toDouble(c.dy());
            double[][] args = {toDouble(c.x()), toDouble(c.w())};
            ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dyD, dev.tinyseek.testkit.DoubleRef.rmsNorm(a[0], a[1], n, ch, c.eps()));
            // dx_j = r·g_j − (r³/C)·(Σ g·x)·x_j with g = w ⊙ dy: two terms, each at most r·‖g‖ (Cauchy-Schwarz),
            // that cancel when the true gradient is small (C = 1: y ≈ w·sign(x), dx ≈ 0); float keeps
            // an absolute error of u times the terms, so the tolerance is measured against them
            double terms = 0;
            for (int i = 0; i < n; i++) {
                double g2 = 0;
                for (int j = 0; j < ch; j++) {
                    double gj = (double) c.w()[j] * c.dy()[i * ch + j];
                    g2 += gj * gj;
                }
                terms = Math.max(terms, rstd[i] * Math.sqrt(g2));
            }
            GradCheck.assertGradient("dx", GradCheck.numeric(loss, args, 0), dx, terms);
            GradCheck.assertGradient("dw", GradCheck.numeric(loss, args, 1), dw);
        });
    }

    @Test
    void backwardAccumulates() {
        Property.forAll(0.5, "rmsnorm backward accumulates", RmsNormTest::make, c -> {
            int n = c.n(), ch = c.c();
            float[] y = new float[n * ch], rstd = new float[n];
            RmsNorm.forward(y, rstd, c.x(), c.w(), n, ch, c.eps());
            float[] dx1 = new float[n * ch], dw1 = new float[ch], dx2 = new float[n * ch], dw2 = new float[ch];
            RmsNorm.backward(dx1, dw1, c.dy(), c.x(), c.w(), rstd, n, ch);
            RmsNorm.backward(dx2, dw2, c.dy(), c.x(), c.w(), rstd, n, ch);
            RmsNorm.backward(dx2, dw2, c.dy(), c.x(), c.w(), rstd, n, ch);
            GradCheck.assertAccumulates("dx", dx1, dx2);
            GradCheck.assertAccumulates("dw", dw1, dw2);
        });
    }

    @Test
    void wrongShapesThrow() {
        assertThatThrownBy(() -> RmsNorm.forward(new float[6], new float[2], new float[6], new float[2], 2, 3, 1e-6f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rmsnorm: w has 2 floats but shape [3] needs 3");
        assertThatThrownBy(() -> RmsNorm.backward(new float[6], new float[3], new float[6], new float[5], new float[3], new float[2], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x has 5 floats but shape [2, 3] needs 6");
        assertThatThrownBy(() -> RmsNorm.backward(new float[6], new float[3], new float[6], new float[6], new float[2], new float[2], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("w has 2 floats but shape [3] needs 3");
        assertThatThrownBy(() -> RmsNorm.backward(new float[6], new float[3], new float[6], new float[6], new float[3], new float[1], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rstd has 1 floats but shape [2] needs 2");
    }
}
