package dev.tinyseek.tensor;

import dev.tinyseek.testkit.Gen;
import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static dev.tinyseek.testkit.GradCheck.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Embedding lookup: rows copied exactly; backward a scatter-add (repeated tokens sum) checked by
/// finite differences; tokens outside the vocabulary rejected by name.
class EmbeddingLookupTest {

    record Case(int n, int c, int v,
                int[] tokens,   // [N], small V so that tokens repeat
                float[] table,  // [V, C]
                float[] dout) { // [N, C]
    }

    static Case make(Gen g) {
        int n = g.dim(1, 8), c = g.dim(1, 6), v = g.dim(1, 6);
        return new Case(n, c, v, g.ints(n, 0, v - 1), g.floats(v * c), g.normal(n * c, 1));
    }

    static double[] reference(double[] table, int[] tokens, int c) {
        double[] out = new double[tokens.length * c];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(table, tokens[i] * c, out, i * c, c);
        }
        return out;
    }

    @Test
    void forwardCopiesRowsExactly() {
        Property.forAll("embedding forward = table rows", EmbeddingLookupTest::make, c -> {
            float[] out = new float[c.n() * c.c()];
            EmbeddingLookup.forward(out, c.tokens(), c.table(), c.n(), c.c(), c.v());
            for (int i = 0; i < c.n(); i++) {
                float[] row = java.util.Arrays.copyOfRange(c.table(), c.tokens()[i] * c.c(), (c.tokens()[i] + 1) * c.c());
                GradCheck.assertBitEqual("row " + i, row, java.util.Arrays.copyOfRange(out, i * c.c(), (i + 1) * c.c()));
            }
        });
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll("embedding backward ≈ finite differences", EmbeddingLookupTest::make, c -> {
            float[] dtable = new float[c.v() * c.c()];
            EmbeddingLookup.backward(dtable, c.dout(), c.tokens(), c.n(), c.c(), c.v());
            double[] dD = toDouble(c.dout());
            GradCheck.assertGradient("dtable",
                    GradCheck.numeric(t -> GradCheck.dot(dD, reference(t, c.tokens(), c.c())), toDouble(c.table())), dtable);
        });
    }

    @Test
    void backwardAccumulates() {
        Property.forAll(0.5, "embedding backward accumulates", EmbeddingLookupTest::make, c -> {
            float[] once = new float[c.v() * c.c()], twice = new float[c.v() * c.c()];
            EmbeddingLookup.backward(once, c.dout(), c.tokens(), c.n(), c.c(), c.v());
            EmbeddingLookup.backward(twice, c.dout(), c.tokens(), c.n(), c.c(), c.v());
            EmbeddingLookup.backward(twice, c.dout(), c.tokens(), c.n(), c.c(), c.v());
            GradCheck.assertAccumulates("dtable", once, twice);
        });
    }

    @Test
    void tokensOutsideTheVocabularyThrowNamingTheToken() {
        assertThatThrownBy(() -> EmbeddingLookup.forward(new float[4], new int[]{1, 5}, new float[6], 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 5 at position 1 is outside the vocabulary [0, 3)");
        assertThatThrownBy(() -> EmbeddingLookup.forward(new float[4], new int[]{-2, 0}, new float[6], 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token -2 at position 0");
        assertThatThrownBy(() -> EmbeddingLookup.backward(new float[6], new float[4], new int[]{0, 3}, 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 3 at position 1");
    }

    @Test
    void wrongShapesThrow() {
        assertThatThrownBy(() -> EmbeddingLookup.forward(new float[4], new int[]{1}, new float[6], 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens has 1 ints but needs 2");
        assertThatThrownBy(() -> EmbeddingLookup.forward(new float[4], new int[]{1, 1}, new float[5], 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table has 5 floats but shape [3, 2] needs 6");
        assertThatThrownBy(() -> EmbeddingLookup.backward(new float[6], new float[4], new int[]{1}, 2, 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens has 1 ints but needs 2");
    }
}
