package dev.tinyseek.generate;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Cached generation against its control: greedy decoding with the KV cache picks, at every step,
/// the argmax of a full forward pass over the prompt and the tokens generated so far.
class GeneratorTest {

    @Test
    void greedyEqualsTheArgmaxOfAFullForwardAtEveryStep() {
        for (ModelConfig cfg : new ModelConfig[] {ModelConfig.tiny(), ModelConfig.tiny().dense()}) {
            Transformer m = SpeculativeDecoderTest.randomModel(cfg, 4, 0.3);
            int[] prompt = {5, 6, 7};
            int[] a = Generator.greedy(m, prompt, 8, -1);
            assertThat(a).hasSize(8);
            int[] seq = new int[prompt.length + a.length];
            System.arraycopy(prompt, 0, seq, 0, prompt.length);
            System.arraycopy(a, 0, seq, prompt.length, a.length);
            float[][] logits = m.logits(seq); // [T][V]
            for (int i = 0; i < a.length; i++) {
                assertThat(Sampler.argmax(logits[prompt.length - 1 + i], 0, logits[0].length))
                        .as("%s, step %d", cfg.ffnType(), i).isEqualTo(a[i]);
            }
            // greedy is generate with the greedy sampler: the generator's seed plays no part
            assertThat(Generator.generate(m, prompt, 8, Sampler.greedy(), new Rng(99), -1)).containsExactly(a);
        }
    }

    @Test
    void stopsAfterTheStopTokenAndAtTheContext() {
        Transformer m = SpeculativeDecoderTest.randomModel(ModelConfig.tiny().dense().withMaxPositionEmbeddings(16), 7, 0.3);
        int[] prompt = {1, 2};
        int[] free = Generator.greedy(m, prompt, 10, -1);
        int stop = free[3];
        int first = 0;
        while (free[first] != stop) {
            first++;
        }
        assertThat(Generator.greedy(m, prompt, 10, stop)).containsExactly(java.util.Arrays.copyOf(free, first + 1));
        int ctx = m.config.maxPositionEmbeddings();
        assertThat(Generator.greedy(m, new int[] {1}, ctx + 50, -1)).hasSize(ctx - 1);
        assertThat(Generator.greedy(m, prompt, 0, -1)).isEmpty();
    }

    @Test
    void badArgumentsAreNamed() {
        Transformer m = SpeculativeDecoderTest.randomModel(ModelConfig.tiny().dense(), 7, 0.3);
        assertThatThrownBy(() -> Generator.greedy(m, new int[0], 3, -1)).hasMessageContaining("the prompt is empty");
        assertThatThrownBy(() -> Generator.greedy(m, new int[] {1}, -1, -1)).hasMessageContaining("maxNew = -1 must be >= 0");
        int[] tooLong = new int[m.config.maxPositionEmbeddings() + 1];
        assertThatThrownBy(() -> Generator.greedy(m, tooLong, 1, -1)).hasMessageContaining("more than the context");
    }

    @Test
    void speculativeResultsPrintTheirNumbers() {
        SpeculativeDecoder.Result r = new SpeculativeDecoder.Result(new int[] {7, 8, 9}, new int[] {2}, new int[] {1}, 2);
        assertThat(r.toString()).isEqualTo("3 tokens in 2 rounds, 1 of 2 drafts accepted (50.0%): int[3] [7, 8, 9], "
                + "checked per depth [2], accepted per depth [1]");
    }
}
