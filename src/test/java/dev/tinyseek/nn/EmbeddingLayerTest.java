package dev.tinyseek.nn;

import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The token embedding layer `[V, C]`, stored as `model.embed_tokens.weight`.
class EmbeddingLayerTest {

    record Case(int n, int c, int v, long seed, int[] tokens, float[] dx) {
    }

    static Case make(Gen g) {
        int n = g.dim(1, 8), c = g.dim(1, 6), v = g.dim(1, 6);
        return new Case(n, c, v, g.nextSeed(), g.ints(n, 0, v - 1), g.normal(n * c, 1));
    }

    static EmbeddingLayer layer(Case c) {
        return new EmbeddingLayer("model.embed_tokens", c.v(), c.c(), new Rng(c.seed()), 1.0);
    }

    @Test
    void forwardIsTheTableRows() {
        Property.forAll("embedding layer forward = rows", EmbeddingLayerTest::make, c -> {
            EmbeddingLayer l = layer(c);
            float[] x = l.forward(c.tokens(), c.n());
            for (int i = 0; i < c.n(); i++) {
                for (int j = 0; j < c.c(); j++) {
                    assertThat(x[i * c.c() + j]).isEqualTo(l.weight.data[c.tokens()[i] * c.c() + j]);
                }
            }
        });
        assertThat(new EmbeddingLayer("model.embed_tokens", 3, 2, new Rng(1), 1).weight.name).isEqualTo("model.embed_tokens.weight");
    }

    @Test
    void backwardMatchesFiniteDifferencesAndAccumulates() {
        Property.forAll("embedding layer backward ≈ finite differences", EmbeddingLayerTest::make, c -> {
            EmbeddingLayer l = layer(c);
            l.backward(c.tokens(), c.dx(), c.n());
            float[] once = l.weight.grad.clone();
            double[] dD = toDouble(c.dx());
            double[] numeric = GradCheck.numeric(t -> {
                double s = 0;
                for (int i = 0; i < c.n(); i++) {
                    for (int j = 0; j < c.c(); j++) {
                        s += dD[i * c.c() + j] * t[c.tokens()[i] * c.c() + j];
                    }
                }
                return s;
            }, toDouble(l.weight.data));
            GradCheck.assertGradient("weight.grad", numeric, once);
            l.backward(c.tokens(), c.dx(), c.n());
            GradCheck.assertAccumulates("weight.grad", once, l.weight.grad);
        });
    }

    @Test
    void outOfVocabularyTokenIsNamed() {
        EmbeddingLayer l = new EmbeddingLayer("model.embed_tokens", 4, 2, new Rng(1), 1);
        assertThatThrownBy(() -> l.forward(new int[]{0, 4}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 4 at position 1 is outside the vocabulary [0, 4)");
        assertThatThrownBy(() -> l.backward(new int[]{9}, new float[2], 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 9 at position 0");
    }
}
