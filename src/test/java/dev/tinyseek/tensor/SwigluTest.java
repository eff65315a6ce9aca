package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.function.ToDoubleFunction;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// SwiGLU `h = silu(g) ⊙ u`: double reference and finite differences for g and u.
class SwigluTest {

    record Case(int n, int f,
                float[] g,    // [N, F]
                float[] u,    // [N, F]
                float[] dh) { // [N, F]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 5), f = g.dim(1, 10);
        return new Case(n, f, g.floats(n * f), g.floats(n * f), g.normal(n * f, 1));
    }

    static double[] reference(double[] g, double[] u) {
        double[] h = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            h[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        }
        return h;
    }

    @Test
    void forwardMatchesDoubleReference() {
        // σ is computed in double and rounded once, then two float products: 3u ≈ 2e-7 relative;
        // silu of large negative g underflows to a denormal or zero, compared absolutely
        Property.forAll("swiglu forward ≈ double reference", SwigluTest::make, c -> {
            float[] h = new float[c.n() * c.f()];
            Swiglu.forward(h, c.g(), c.u(), c.n(), c.f());
            GradCheck.assertClose("h", reference(toDouble(c.g()), toDouble(c.u())), h, 1e-6, 1e-36);
            for (float v : h) {
                assertThat(Float.isNaN(v)).isFalse();
            }
        });
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("swiglu backward ≈ finite differences", SwigluTest::make, c -> {
            float[] dg = new float[c.n() * c.f()], du = new float[c.n() * c.f()];
            Swiglu.backward(dg, du, c.dh(), c.g(), c.u(), c.n(), c.f());
            double[] dhD = toDouble(c.dh());
            double[][] args = {toDouble(c.g()), toDouble(c.u())};
            ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dhD, reference(a[0], a[1]));
            GradCheck.assertGradient("dg", GradCheck.numeric(loss, args, 0), dg);
            GradCheck.assertGradient("du", GradCheck.numeric(loss, args, 1), du);
        });
    }

    @Test
    void backwardAccumulates() {
        Property.forAll(0.5, "swiglu backward accumulates", SwigluTest::make, c -> {
            int len = c.n() * c.f();
            float[] dg1 = new float[len], du1 = new float[len], dg2 = new float[len], du2 = new float[len];
            Swiglu.backward(dg1, du1, c.dh(), c.g(), c.u(), c.n(), c.f());
            Swiglu.backward(dg2, du2, c.dh(), c.g(), c.u(), c.n(), c.f());
            Swiglu.backward(dg2, du2, c.dh(), c.g(), c.u(), c.n(), c.f());
            GradCheck.assertAccumulates("dg", dg1, dg2);
            GradCheck.assertAccumulates("du", du1, du2);
        });
    }

    @Test
    void wrongShapesThrow() {
        assertThatThrownBy(() -> Swiglu.forward(new float[6], new float[6], new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("swiglu: u has 5 floats but shape [2, 3] needs 6");
        assertThatThrownBy(() -> Swiglu.backward(new float[6], new float[6], new float[6], new float[7], new float[6], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("g has 7 floats but shape [2, 3] needs 6");
    }

    /// The pair that keeps `σ(g)` from forward for backward computes every product in the same
    /// order as [Swiglu#forward] and [Swiglu#backward], so it equals them bit for bit.
    @Test
    void keepingTheSigmoidGivesTheSameBitsAsRecomputingIt() {
        record WithStart(Case c, float[] dg0, float[] du0) { // dg0, du0: [N, F] what the gradients hold before
        }
        Property.forAll("forwardKeepingSigmoid/backwardFromSigmoid == forward/backward", g -> {
            Case c = make(g);
            return new WithStart(c, g.floats(c.n() * c.f()), g.floats(c.n() * c.f()));
        }, w -> {
            Case c = w.c();
            int n = c.n(), f = c.f();
            float[] h = new float[n * f], hFast = new float[n * f], sigma = new float[n * f];
            Swiglu.forward(h, c.g(), c.u(), n, f);
            Swiglu.forwardKeepingSigmoid(hFast, sigma, c.g(), c.u(), n, f);
            GradCheck.assertBitEqual("h", h, hFast);
            float[] dg = w.dg0().clone(), du = w.du0().clone(), dgFast = w.dg0().clone(), duFast = w.du0().clone();
            Swiglu.backward(dg, du, c.dh(), c.g(), c.u(), n, f);
            Swiglu.backwardFromSigmoid(dgFast, duFast, c.dh(), sigma, c.g(), c.u(), n, f);
            GradCheck.assertBitEqual("dg", dg, dgFast);
            GradCheck.assertBitEqual("du", du, duFast);
        });
    }
}
