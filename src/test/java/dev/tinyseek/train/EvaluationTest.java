package dev.tinyseek.train;

import dev.tinyseek.generate.Generator;
import dev.tinyseek.model.ShippedModels;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// Exact-match evaluation on the shipped addition model: its golden answer, the end token left
/// out of the text, and the accuracy as the share of verified answers.
class EvaluationTest {

    @Test
    void answersAreTheGreedyTextBeforeTheEndTokenAndAccuracyCountsVerifiedOnes() throws Exception {
        Transformer m = ShippedModels.load("deepseek-v3-addition");
        assertThat(Evaluation.answer(m, "72+98=", 8)).isEqualTo("071"); // 170 written backwards
        int[] raw = Generator.greedy(m, TaskData.encode("72+98="), 8, TaskData.END);
        assertThat(raw[raw.length - 1]).isEqualTo(TaskData.END);
        assertThat(Evaluation.answer(m, "72+98=", 2)).isEqualTo("07"); // cut before the end token

        Addition task = new Addition(2, true, true);
        List<Problem> problems = task.heldOut(12, 3);
        int right = 0;
        for (Problem p : problems) {
            right += task.verify(p, Evaluation.answer(m, p.prompt(), 8)) ? 1 : 0;
        }
        assertThat(Evaluation.exactMatch(m, task, problems, 8)).isEqualTo((double) right / problems.size());
        List<Problem> wrong = List.of(new Problem("72+98=", "999"), new Problem("09+09=", "810"));
        assertThat(Evaluation.exactMatch(m, task, wrong, 8)).isEqualTo(0.5); // 071 is not 999; 810 is right
        assertThat(Evaluation.exactMatch(m, task, List.of(), 8)).isZero();
    }
}
