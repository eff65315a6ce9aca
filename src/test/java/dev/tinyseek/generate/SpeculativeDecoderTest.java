package dev.tinyseek.generate;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// Greedy speculative decoding gives exactly the plain greedy output, whatever the drafts.
class SpeculativeDecoderTest {

    record Case(boolean deepseek, long seed, int[] prompt, int maxNew, int stop, double weightScale) {
    }

    @Test
    void equalsPlainGreedyTokenForToken() {
        Property.forAll("speculative greedy = greedy", g -> {
            int p = g.dim(1, 12);
            return new Case(g.bool(), g.intIn(0, 1_000_000), g.ints(p, 0, 255), g.dim(0, 24),
                    g.chance(0.3) ? g.intIn(0, 255) : -1, g.oneOf(0.02, 0.3, 1.0));
        }, k -> {
            ModelConfig cfg = (k.deepseek() ? ModelConfig.tiny() : ModelConfig.tiny().dense()).withMtpDepth(1).withMaxPositionEmbeddings(64);
            Transformer m = new Transformer(cfg, k.seed());
            // larger weights make sharper, more varied predictions (and drafts that are sometimes right)
            Rng r = new Rng(k.seed() + 1);
            for (Param q : m.params()) {
                if (q.decay) {
                    r.fillNormal(q.data, k.weightScale());
                }
            }
            int[] plain = Generator.greedy(m, k.prompt(), k.maxNew(), k.stop());
            SpeculativeDecoder.Result spec = SpeculativeDecoder.greedy(m, k.prompt(), k.maxNew(), k.stop());
            assertThat(spec.tokens()).containsExactly(plain);
            assertThat(spec.accepted()).isBetween(0, spec.drafted());
        });
    }

    /// On a model trained with MTP the drafts are often right, so the accepted path runs too
    /// (random models above mostly exercise rejection); the output is still plain greedy's.
    @Test
    void aTrainedModelAcceptsDraftsAndStillEqualsGreedy() {
        var task = new dev.tinyseek.tasks.Addition(2, true, true);
        Transformer m = new Transformer(ModelConfig.tiny().withMtpDepth(1), 2);
        var o = new dev.tinyseek.train.Trainer.Options(300, 3e-3, 3e-4, 30, 0.1, 1.0, 0);
        new dev.tinyseek.train.Trainer(null).train(m, dev.tinyseek.train.AdamW.deepseek(m.params()),
                new dev.tinyseek.rl.TaskData(task, 2, 32, 9), o, null);
        int drafted = 0, accepted = 0;
        for (var q : task.heldOut(20, 5)) {
            int[] prompt = dev.tinyseek.rl.TaskData.encode(q.prompt());
            SpeculativeDecoder.Result r = SpeculativeDecoder.greedy(m, prompt, 6, '\n');
            assertThat(r.tokens()).containsExactly(Generator.greedy(m, prompt, 6, '\n'));
            drafted += r.drafted();
            accepted += r.accepted();
        }
        assertThat(accepted).as("accepted %d of %d drafts", accepted, drafted).isGreaterThan(0);
    }

    @Test
    void aModelWithoutMtpIsRefused() {
        Transformer m = new Transformer(ModelConfig.tiny(), 1);
        assertThatThrownBy(() -> SpeculativeDecoder.greedy(m, new int[] {1}, 3, -1)).hasMessageContaining("MTP");
    }
}
