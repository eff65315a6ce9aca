package dev.tinyseek.rl;

import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.train.Batch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SftDataTest {

    @Test
    void onlyTheCompletionAndItsEndAreTargets() {
        SftData.Example e = new SftData.Example("User: 001+002= Assistant:", "<think></think><answer>3000</answer>");
        Batch b = SftData.of(List.of(e), 1, 2, 40).get();
        R1Template.Encoded enc = R1Template.encode(e.prompt(), e.completion());
        int[] all = enc.tokens();
        for (int row = 0; row < 2; row++) {
            for (int i = 0; i < 40; i++) {
                int input = b.inputs()[row * 40 + i], target = b.targets()[row * 40 + i];
                if (i + 1 < all.length) {
                    assertThat(input).isEqualTo(all[i]);
                    // position i predicts token i+1: a target exactly when i+1 is in the completion
                    assertThat(target).isEqualTo(i + 1 >= enc.completionStart() ? all[i + 1] : CrossEntropy.IGNORE);
                } else {
                    assertThat(input).isEqualTo(R1Template.PAD);
                    assertThat(target).isEqualTo(CrossEntropy.IGNORE);
                }
            }
        }
        // the last target is the end token
        assertThat(b.targets()[all.length - 2]).isEqualTo(R1Template.EOS);
    }

    @Test
    void tooLongAndEmptyAreRefused() {
        SftData.Example e = new SftData.Example("User: 001+002= Assistant:", "<think></think><answer>3000</answer>");
        assertThatThrownBy(() -> SftData.of(List.of(e), 1, 1, 10).get()).hasMessageContaining("raise seqLen");
        assertThatThrownBy(() -> SftData.of(List.of(), 1, 1, 10)).hasMessageContaining("empty");
    }

    @Test
    void optionsWithersChangeOneSettingEach() {
        GrpoTrainer.Options d = GrpoTrainer.Options.defaults();
        GrpoTrainer.Options o = d.withGroup(4).withLr(1e-3).withMaxNew(9).withSeed(7).withShuffleRewards(true);
        assertThat(o).isEqualTo(new GrpoTrainer.Options(d.prompts(), 4, d.temperature(), 9, 1e-3, d.warmup(), d.decaySteps(),
                d.weightDecay(), d.clip(), d.mu(), d.minibatches(), d.scale(), d.loss(), d.dynamicSampling(),
                d.maxSampleRounds(), true, 7));
        assertThatThrownBy(() -> d.withGroup(1)).hasMessageContaining("group = 1");
    }
}
