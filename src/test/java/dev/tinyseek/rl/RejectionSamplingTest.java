package dev.tinyseek.rl;

import dev.tinyseek.model.Checkpoint;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Split;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionSamplingTest {

    /// The shipped R1-Zero model at T 1.5 writes right and wrong chains: both sides of the filter
    /// are exercised.
    @Test
    void keepsOnlyVerifiedConsistentTracesOfTrainingProblems() throws Exception {
        Transformer m = Checkpoint.load(Path.of("tiny-models", "r1-zero"));
        RejectionSampling.Result r = RejectionSampling.run(m, 40, 3, 1.5, R1Zero.MAX_NEW, false, 4);
        assertThat(r.sampled()).isEqualTo(120);
        assertThat(r.kept()).isEqualTo(r.traces().size());
        assertThat(r.kept()).as("kept some and rejected some").isBetween(1, 119);
        for (SftData.Example e : r.traces()) {
            Problem q = R1TemplateTest.operandsOf(e);
            assertThat(RejectionSampling.isHeldOut(q)).isFalse();
            String[] ab = R1Template.operands(q);
            Problem p = R1Template.TASK.problem(Long.parseLong(ab[0]), Long.parseLong(ab[1]));
            assertThat(R1Rewards.accuracy(R1Template.TASK).score(p, e.completion(), true)).isEqualTo(1.0);
            assertThat(e.completion()).isEqualTo(R1Template.completion(p, true));
        }
    }

    @Test
    void rejectsHeldOutWrongCutAndInconsistent() {
        Problem train = R1Template.TASK.sample(new Rng(3), Split.TRAIN);
        assertThat(RejectionSampling.isHeldOut(train)).isFalse();
        String good = R1Template.completion(train, true);
        assertThat(RejectionSampling.accept(train, new Completions.Sample(new int[0], good, true))).isTrue();
        assertThat(RejectionSampling.accept(train, new Completions.Sample(new int[0], good, false))).isFalse();
        assertThat(RejectionSampling.accept(train, new Completions.Sample(new int[0], R1Template.completion(train, false), true)))
                .as("a right answer without its chain").isFalse();
        assertThat(RejectionSampling.accept(train, new Completions.Sample(new int[0],
                "<think>5+2+0=07 9+7+0=17 4+6+1=11</think><answer>7611</answer>", true))).as("a wrong step").isFalse();
        // a held-out problem is refused even with a perfect completion
        Problem held = R1Template.TASK.heldOut(1, 1).get(0);
        assertThat(RejectionSampling.accept(held, new Completions.Sample(new int[0], R1Template.completion(held, true), true))).isFalse();
    }

    @Test
    void onePerProblemKeepsAtMostOne() throws Exception {
        Transformer m = Checkpoint.load(Path.of("tiny-models", "r1-zero"));
        RejectionSampling.Result all = RejectionSampling.run(m, 20, 4, 1.0, R1Zero.MAX_NEW, false, 8);
        RejectionSampling.Result one = RejectionSampling.run(m, 20, 4, 1.0, R1Zero.MAX_NEW, true, 8);
        assertThat(one.kept()).isLessThanOrEqualTo(20).isLessThanOrEqualTo(all.kept());
        assertThat(one.traces().stream().map(SftData.Example::prompt).distinct().count()).isEqualTo(one.kept());
    }
}
