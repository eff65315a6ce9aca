package dev.tinyseek.nn;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.function.ToDoubleFunction;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

/// The RMSNorm layer: gain initialised to one, forward/backward through its `Saved` record.
class RmsNormLayerTest {

    record Case(int n, int c, float[] gain, float[] x, float[] dy) {
    }

    static Case make(Gen g) {
        int n = g.dim(1, 5), c = g.dim(2, 12);
        return new Case(n, c, g.normal(c, 1), g.floats(n * c), g.normal(n * c, 1));
    }

    static RmsNormLayer layer(Case c) {
        RmsNormLayer l = new RmsNormLayer("model.norm", c.c(), 1e-6f);
        System.arraycopy(c.gain(), 0, l.weight.data, 0, c.c());
        return l;
    }

    @Test
    void nameAndInitialGain() {
        RmsNormLayer l = new RmsNormLayer("model.layers.0.input_layernorm", 5, 1e-6f);
        assertThat(l.weight.name).isEqualTo("model.layers.0.input_layernorm.weight");
        assertThat(l.weight.data).containsOnly(1f);
        assertThat(l.weight.decay).isFalse();
    }

    @Test
    void forwardMatchesDoubleReference() {
        // double sum of squares, r rounded once, two float products: ~3u relative (see RmsNormTest)
        Property.forAll("rmsnorm layer forward ≈ double reference", RmsNormLayerTest::make, c -> {
            RmsNormLayer l = layer(c);
            RmsNormLayer.Saved s = l.forward(c.x(), c.n());
            GradCheck.assertClose("y", Ref.rmsNorm(toDouble(c.x()), toDouble(c.gain()), c.n(), c.c(), 1e-6), s.y(), 1e-6, 1e-37);
        });
    }

    @Test
    void backwardMatchesFiniteDifferencesAndAccumulates() {
        Property.forAll("rmsnorm layer backward ≈ finite differences", RmsNormLayerTest::make, c -> {
            RmsNormLayer l = layer(c);
            RmsNormLayer.Saved s = l.forward(c.x(), c.n());
            float[] dx = l.backward(s, c.dy());
            float[] dw = l.weight.grad.clone();
            double[] dyD = toDouble(c.dy());
            double[][] args = {toDouble(c.x()), toDouble(c.gain())};
            ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dyD, Ref.rmsNorm(a[0], a[1], c.n(), c.c(), 1e-6));
            // dx is a difference of two terms of size r·‖w ⊙ dy‖ that can cancel: tolerance
            // measured against them (see RmsNormTest)
            double terms = 0;
            for (int i = 0; i < c.n(); i++) {
                double g2 = 0;
                for (int j = 0; j < c.c(); j++) {
                    double gj = (double) c.gain()[j] * c.dy()[i * c.c() + j];
                    g2 += gj * gj;
                }
                terms = Math.max(terms, s.rstd()[i] * Math.sqrt(g2));
            }
            GradCheck.assertGradient("dx", GradCheck.numeric(loss, args, 0), dx, terms);
            GradCheck.assertGradient("dw", GradCheck.numeric(loss, args, 1), dw);

            l.backward(s, c.dy());
            GradCheck.assertAccumulates("weight.grad", dw, l.weight.grad);
        });
    }
}
