package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek grpo`: a short end-to-end run writes its CSV and plot; bad flags are one line, exit 2,
/// before any training.
class GrpoCommandTest {

    @Test
    void aShortRunPrintsMetricsAndWritesTheCsvAndThePlot(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("grpo.csv");
        MainTest.Result r = MainTest.run("grpo", "--digits", "1", "--sft-max-steps", "20", "--steps", "3", "--prompts", "4",
                "--group", "4", "--eval-every", "2", "--eval-problems", "8", "--csv", csv.toString(), "--plots", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("cold start:").contains("step 3/3 | reward").contains("zero-std")
                .contains("clip lo/hi").contains("entropy").contains("step 2 eval heldout_greedy")
                .contains("held-out greedy accuracy");
        // mu 1, 'grpo' normalisation: the note says the loss is 0 at every step, and every step's loss is
        assertThat(r.out()).contains("mu 1: every ratio is exactly 1, so loss = -mean advantage = 0 at every step");
        java.util.regex.Matcher loss = java.util.regex.Pattern.compile("\\| loss (-?[0-9.]+) \\| grad ([0-9.]+) \\|").matcher(r.out());
        int progressLines = 0;
        while (loss.find()) {
            progressLines++;
            assertThat(Math.abs(Double.parseDouble(loss.group(1)))).as(loss.group()).isLessThan(1e-4);
        }
        assertThat(progressLines).isEqualTo(3);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("step,reward_mean,reward_std,accuracy,frac_zero_std,length,truncated,kl,clip_low,clip_high,entropy");
        assertThat(lines.get(1)).startsWith("1,").endsWith(",");            // no evaluation at step 1
        assertThat(lines.get(2)).startsWith("2,").matches(".*,[01]\\.\\d{4}"); // held-out accuracy at step 2
        assertThat(Files.size(dir.resolve("grpo.png"))).isPositive();
    }

    @Test
    void badFlagsFailFastWithOneLine() {
        MainTest.Result m = MainTest.run("grpo", "--minibatches", "40");
        assertThat(m.code()).isEqualTo(2);
        assertThat(m.err().strip()).contains("--minibatches 40 is more than --prompts 16").doesNotContain("\n");
        MainTest.Result l = MainTest.run("grpo", "--loss", "ppo");
        assertThat(l.code()).isEqualTo(2);
        assertThat(l.err()).contains("grpo, dr_grpo, dapo, bnpo");
        MainTest.Result rw = MainTest.run("grpo", "--reward", "max");
        assertThat(rw.code()).isEqualTo(2);
        assertThat(rw.err()).contains("sum, tinyzero");
        assertThat(MainTest.run("grpo", "--help").out()).startsWith("usage: tinyseek grpo").contains("--shuffle-rewards")
                .contains("--reward")
                .contains("(0.28: DAPO's clip-higher) (default 0.2)"); // docs/grpo-r1.md#defaults: ε / ε_high 0.2 / 0.2
    }
}
