package dev.tinyseek.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

/// What the layers expose to the model: initialisation from the given generator and standard
/// deviation, the linears whose precision can be set, the recipe that goes with FP8, and the
/// batched forward of a dense MLP.
class LayerWiringTest {

    @Test
    void embeddingIsInitialisedFromTheGeneratorWithTheGivenStd() {
        EmbeddingLayer e = new EmbeddingLayer("model.embed_tokens", 7, 3, new Rng(5), 0.25);
        float[] want = new float[21];
        new Rng(5).fillNormal(want, 0.25);
        assertThat(e.weight.data).containsExactly(want);
        assertThat(e.weight.name).isEqualTo("model.embed_tokens.weight");
        assertThat(e.weight.shape).containsExactly(7, 3);
    }

    @Test
    void linearsAndTheirRecipe() {
        SwiGluMlp m = new SwiGluMlp("mlp", 4, 6, new Rng(1), 0.1);
        assertThat(m.linears()).extracting(l -> l.weight.name)
                .containsExactly("mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight");
        Linear l = m.linears().get(0);
        assertThat(l.recipe()).isNull();
        Fp8Recipe r = Fp8Recipe.deepseek(4);
        l.setPrecision(Precision.FP8, r);
        assertThat(l.recipe()).isSameAs(r);
        assertThat(l.precision()).isEqualTo(Precision.FP8);
        l.setPrecision(Precision.FP32, r);
        assertThat(l.recipe()).isNull();
        assertThatThrownBy(() -> l.setPrecision(Precision.FP8, null)).hasMessageContaining("needs an Fp8Recipe");
        assertThatThrownBy(() -> l.setPrecision(null, r)).hasMessageContaining("needs FP32 or FP8");
    }

    /// Outside decoding, forward reads `W` itself: a write to the weight is seen by the very next
    /// call. While decoding, a wrong-length input gets the shape error.
    @Test
    void outsideDecodingEveryForwardReadsTheWeightItself() {
        Linear l = new Linear("l", 3, 2, new Rng(4), 0.5);
        float[] x = {0.3f, -1.2f, 0.8f};
        float[] before = l.forward(x, 1);
        l.weight.data[1] += 1f;
        float[] after = l.forward(x, 1);
        float[] want = new float[2];
        dev.tinyseek.tensor.MatMul.forward(want, x, l.weight.data, null, 1, 3, 2);
        assertThat(after).containsExactly(want);
        assertThat(after[0]).isNotEqualTo(before[0]);
        assertThatThrownBy(() -> l.forward(new float[4], 1, new DecodingWeights()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul: x has 4 floats");
    }

    /// A dense MLP has no sequence boundaries: B sequences of T tokens are N = B·T rows.
    @Test
    void batchedForwardOfADenseMlpIsTheForwardOfAllRows() {
        FeedForward m = new SwiGluMlp("mlp", 4, 6, new Rng(2), 0.3);
        float[] x = new float[3 * 5 * 4];
        new Rng(3).fillNormal(x, 1);
        assertThat(m.forward(x, 3, 5).y()).hasSize(60).containsExactly(m.forward(x, 15).y());
        assertThat(m.buffers()).isEmpty();
    }
}
