package dev.tinyseek.nn;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.ToDoubleFunction;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;

/// The SwiGLU MLP `down(silu(gate(x)) ⊙ up(x))`: a double reference of the whole layer, and
/// finite differences for x and all three weights.
class SwiGluMlpTest {

    record Case(int n, int c, int f, long seed, float[] x, float[] dy) {
    }

    static Case make(Gen g) {
        int n = g.dim(1, 4), c = g.dim(1, 6), f = g.dim(1, 8);
        return new Case(n, c, f, g.nextSeed(), g.floats(n * c), g.normal(n * c, 1));
    }

    static SwiGluMlp layer(Case c) {
        return new SwiGluMlp("model.layers.0.mlp", c.c(), c.f(), new Rng(c.seed()), 0.5);
    }

    @Test
    void parameterNamesAreTheHfNames() {
        SwiGluMlp m = new SwiGluMlp("model.layers.0.mlp", 4, 8, new Rng(1), 0.02);
        assertThat(m.params()).extracting(p -> p.name).containsExactly(
                "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight");
        assertThat(m.gate.weight.shape).containsExactly(8, 4);
        assertThat(m.down.weight.shape).containsExactly(4, 8);
    }

    @Test
    void forwardMatchesDoubleReference() {
        // three float GEMMs and the gate; with inputs up to 1000 and weights ~0.5 the rounding is
        // ~(C + F)·u relative to the magnitudes, compared at 1e-5 of the largest output term
        Property.forAll("swiglu mlp forward ≈ double reference", SwiGluMlpTest::make, c -> {
            SwiGluMlp m = layer(c);
            float[] y = m.forward(c.x(), c.n()).y();
            double[] ref = Ref.swiGluMlp(toDouble(c.x()), toDouble(m.gate.weight.data), toDouble(m.up.weight.data),
                    toDouble(m.down.weight.data), c.n(), c.c(), c.f());
            GradCheck.assertClose("y", ref, y, 1e-5, 1e-5 * GradCheck.maxAbs(ref) + 1e-30);
        });
    }

    @Test
    void backwardMatchesFiniteDifferencesAndAccumulates() {
        Property.forAll("swiglu mlp backward ≈ finite differences", SwiGluMlpTest::make, c -> {
            SwiGluMlp m = layer(c);
            SwiGluMlp.Saved s = m.forward(c.x(), c.n());
            float[] dx = m.backward(s, c.dy());
            double[] dyD = toDouble(c.dy());
            double[][] args = {toDouble(c.x()), toDouble(m.gate.weight.data), toDouble(m.up.weight.data), toDouble(m.down.weight.data)};
            ToDoubleFunction<double[][]> loss = a -> GradCheck.dot(dyD, Ref.swiGluMlp(a[0], a[1], a[2], a[3], c.n(), c.c(), c.f()));
            GradCheck.assertGradient("dx", GradCheck.numeric(loss, args, 0), dx);
            List<Param> ps = m.params();
            float[][] once = new float[3][];
            for (int k = 0; k < 3; k++) {
                once[k] = ps.get(k).grad.clone();
                GradCheck.assertGradient(ps.get(k).name, GradCheck.numeric(loss, args, k + 1), once[k]);
            }
            m.backward(s, c.dy());
            for (int k = 0; k < 3; k++) {
                GradCheck.assertAccumulates(ps.get(k).name, once[k], ps.get(k).grad);
            }
        });
    }
}
