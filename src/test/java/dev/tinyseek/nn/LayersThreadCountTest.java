package dev.tinyseek.nn;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import dev.tinyseek.testkit.Threads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/// The layers of `nn` over the determinism of `tensor` (`docs/design.md#determinism`): Linear,
/// RMSNorm and the SwiGLU MLP give the same outputs and gradients to the bit with 1 thread and
/// with 4. Shapes are drawn above the row grains so that every op really splits its work.
class LayersThreadCountTest {

    static void sameWithOneAndFourThreads(String what, Supplier<List<float[]>> op) {
        List<float[]> one = Threads.with(1, op);
        List<float[]> four = Threads.with(4, op);
        assertThat(four).hasSameSizeAs(one);
        for (int i = 0; i < one.size(); i++) {
            GradCheck.assertBitEqual(what + " output " + i + " (1 vs 4 threads)", one.get(i), four.get(i));
        }
    }

    record Rows(int n, int c, float[] x, float[] y) {
    }

    @Test
    void linearRmsNormAndSwiGluMlp() {
        Property.forAll(0.25, "nn layers: 1 thread = 4 threads", g -> {
            int n = g.dim(80, 200), c = g.dim(70, 160); // above the row grains (16, 64) and channel grain (64)
            return new Rows(n, c, g.floats(n * c), g.normal(n * c, 1));
        }, r -> sameWithOneAndFourThreads("layers", () -> {
            int n = r.n(), c = r.c();
            List<float[]> out = new ArrayList<>();
            Linear lin = new Linear("l", c, c, new Rng(1), 0.1);
            out.add(lin.forward(r.x(), n));
            out.add(lin.backward(r.y(), r.x(), n));
            out.add(lin.weight.grad);
            RmsNormLayer norm = new RmsNormLayer("n", c, 1e-6f);
            RmsNormLayer.Saved s = norm.forward(r.x(), n);
            out.add(s.y());
            out.add(norm.backward(s, r.y()));
            out.add(norm.weight.grad);
            SwiGluMlp mlp = new SwiGluMlp("m", c, 96, new Rng(2), 0.1);
            SwiGluMlp.Saved ms = mlp.forward(r.x(), n);
            out.add(ms.y());
            out.add(mlp.backward(ms, r.y()));
            mlp.params().forEach(pp -> out.add(pp.grad));
            return out;
        }));
    }
}
