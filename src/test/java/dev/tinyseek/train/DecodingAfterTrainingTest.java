package dev.tinyseek.train;

import dev.tinyseek.attention.MultiHeadLatentAttention;
import dev.tinyseek.generate.Generator;
import dev.tinyseek.generate.SpeculativeDecoder;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/// Decoding a model that training has changed: a new decoding state reads the weights the
/// optimizer wrote, and a model trained with MTP drafts well enough that speculative decoding's
/// accepted paths run, still equal to plain greedy.
class DecodingAfterTrainingTest {

    /// Decoding multiplies by transposed weights held in its state (`nn.DecodingWeights`); after
    /// optimizer steps a new state must use the new weights: still equal to the full forward, to the bit.
    @Test
    void decodingAfterOptimizerStepsUsesTheNewWeights() {
        Transformer m = new Transformer(ModelConfig.tiny().withTypes("mla", "dense"), 7)
                .decodeWith(MultiHeadLatentAttention.Form.NAIVE);
        Rng g = new Rng(107);
        for (Param p : m.params()) {
            if (!p.decay) { // the RMSNorm gains: away from 1, so that a wrong gain shows
                for (int i = 0; i < p.data.length; i++) {
                    p.data[i] = 1f + 0.3f * (float) g.nextGaussian();
                }
            }
        }
        cachedEqualsFull(m); // makes the transposed copies
        Rng r = new Rng(3);
        int b = 2, t = 8;
        int[] in = new int[b * t], tgt = new int[b * t];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextInt(m.config.vocabSize());
            tgt[i] = r.nextInt(m.config.vocabSize());
        }
        Batch batch = new Batch(in, tgt, b, t);
        float before = m.params().get(1).data[0];
        new Trainer(null).train(m, AdamW.deepseek(m.params()), () -> batch, new Trainer.Options(2, 1e-2, 1e-3, 0, 0.1, 1.0, 0), null);
        assertThat(m.params().get(1).data[0]).as("the steps moved the weights").isNotEqualTo(before);
        cachedEqualsFull(m);
    }

    /// A prompt of 5 tokens, then one token at a time: every row of logits equals the full forward's.
    static void cachedEqualsFull(Transformer m) {
        Rng r = new Rng(11);
        int v = m.config.vocabSize();
        int[] seq = new int[20];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = r.nextInt(v);
        }
        float[] full = m.forward(seq, 1, seq.length).logits(); // [T, V]
        Transformer.DecodeState st = m.newDecodeState(seq.length);
        assertThat(m.decode(st, Arrays.copyOf(seq, 5))).containsExactly(Arrays.copyOf(full, 5 * v));
        for (int i = 5; i < seq.length; i++) {
            assertThat(m.decode(st, new int[] {seq[i]})).as("position %d", i)
                    .containsExactly(Arrays.copyOfRange(full, i * v, (i + 1) * v));
        }
    }

    /// Where random models mostly reject drafts, a model trained with MTP is often right, so the
    /// accepted paths (and a deeper module catching up on accepted drafts) run too.
    @Test
    void aTrainedModelAcceptsDraftsAndStillEqualsGreedy() {
        var task = new Addition(3, true, true);
        Transformer m = new Transformer(ModelConfig.tiny().dense().withMtpDepth(2), 2);
        var o = new Trainer.Options(150, 3e-3, 3e-4, 15, 0.1, 1.0, 0);
        new Trainer(null).train(m, AdamW.deepseek(m.params()), new TaskData(task, 2, 16, 12), o, null);
        int[] checked = new int[2], accepted = new int[2];
        for (var q : task.heldOut(20, 5)) {
            int[] prompt = TaskData.encode(q.prompt());
            for (int depth = 1; depth <= 2; depth++) {
                SpeculativeDecoder.Result r = SpeculativeDecoder.greedy(m, prompt, 8, '\n', depth);
                assertThat(r.tokens()).containsExactly(Generator.greedy(m, prompt, 8, '\n'));
                if (depth == 2) {
                    for (int d = 0; d < 2; d++) {
                        checked[d] += r.checkedAt()[d];
                        accepted[d] += r.acceptedAt()[d];
                    }
                }
            }
        }
        assertThat(accepted[0]).as("depth 1: accepted %d of %d", accepted[0], checked[0]).isGreaterThan(0);
        assertThat(accepted[1]).as("depth 2: accepted %d of %d", accepted[1], checked[1]).isGreaterThan(0);
    }
}
