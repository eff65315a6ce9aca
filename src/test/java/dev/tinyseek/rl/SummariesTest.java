package dev.tinyseek.rl;

import dev.tinyseek.tasks.Problem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/// GRPO's results print their numbers in jshell, not `[D@5b37e0d2`.
class SummariesTest {

    @Test
    void lossRolloutSampleAndColdStartPrintTheirNumbers() {
        GrpoLoss.Result r = new GrpoLoss.Result(-0.25, new double[] {0.5, -0.125}, -0.3, 0.05, 0.1, 0, 2);
        assertThat(r.toString()).isEqualTo("GRPO loss -0.250000 (policy -0.300000, KL 0.05000) over 2 tokens, clipped 0.100 low / "
                + "0.00 high, d loss / d logp double[2] [0.5000, -0.1250]");
        Rollout ro = new Rollout(new Problem("12+5=", "17"), new int[] {1, 2, 3}, new int[] {4, 5, 10}, "17", true, 1.0, true, 3);
        assertThat(ro.toString()).isEqualTo("Rollout (group 3) of \"12+5=\": \"17\", reward 1.0, correct, 3 tokens after 3 of prompt");
        assertThat(new Completions.Sample(new int[] {4, 5}, "17", false).toString()).isEqualTo("\"17\" (no end token), int[2] [4, 5]");
        assertThat(new ColdStart.Result(40, 0.625, 3.25, new double[] {2.5, 0.75}).toString())
                .isEqualTo("cold start: 40 steps, train accuracy 62.5%, loss 2.5000 → 0.7500, 3.3 s");
    }
}
