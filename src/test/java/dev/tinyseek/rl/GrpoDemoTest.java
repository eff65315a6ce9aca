package dev.tinyseek.rl;

import dev.tinyseek.train.TaskData;
import dev.tinyseek.train.Evaluation;
import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// The demo in small (`docs/grpo-r1.md#defaults`): from a weak cold-start model, 200 GRPO steps raise
/// held-out greedy accuracy by a margin, and the same steps with rewards shuffled inside each
/// group do not. About two minutes on two cores, so tagged `slow`
/// (`./tinyseek test -Dtinyseek.exclude=gpu -Dtest=GrpoDemoTest`).
@Tag("slow")
class GrpoDemoTest {

    @Test
    void grpoRaisesHeldOutAccuracyAndShuffledRewardsDoNot() {
        Addition task = new Addition(2, true, true);
        List<Problem> heldOut = task.heldOut(300, 12345);
        Transformer base = new Transformer(ModelConfig.tiny().dense(), 1);
        ColdStart.Result cs = ColdStart.run(base, task, 1, 0.2, 3000, 10, 3e-3, 64, 9, 5);
        double start = Evaluation.exactMatch(base, task, heldOut, 5);
        assertThat(start).as("a weak start").isBetween(0.05, 0.45);
        double[] end = new double[2];
        for (int shuffled = 0; shuffled < 2; shuffled++) {
            Transformer m = GrpoTrainer.copy(base);
            GrpoTrainer.Options o = new GrpoTrainer.Options(16, 8, 0.5, 5, 3e-4, 0, 200, 0, 1.0, 1, 1, Advantages.Scale.GROUP,
                    GrpoLoss.Options.defaults().withEps(0.2, 0.28), false, 3, shuffled == 1, 17);
            GrpoTrainer t = new GrpoTrainer(m, null, task, AnswerFormat.PLAIN, Reward.r1(task, AnswerFormat.PLAIN), TaskData.END, o);
            for (int s = 0; s < 200; s++) {
                GrpoTrainer.StepMetrics x = t.step();
                assertThat(Double.isFinite(x.loss())).isTrue();
                assertThat(x.fracZeroStd()).isBetween(0.0, 1.0);
            }
            end[shuffled] = Evaluation.exactMatch(m, task, heldOut, 5);
        }
        assertThat(end[0]).as("GRPO from %s after %d cold-start steps", start, cs.steps()).isGreaterThanOrEqualTo(start + 0.05);
        assertThat(end[1]).as("shuffled rewards from %s", start).isLessThanOrEqualTo(start + 0.02);
    }
}
