package dev.tinyseek.cli;

import dev.tinyseek.io.Json;
import dev.tinyseek.model.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek r1`: a short R1-Zero run from the shipped base prints its samples and table, writes
/// its CSV, plot and model, and ends with its JSON line of figures; bad input is one line.
class R1CommandTest {

    @Test
    void aShortZeroRunEndsWithTheJsonLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("r1.csv"), model = dir.resolve("model");
        MainTest.Result r = MainTest.run("r1", "zero", "--steps", "2", "--eval-every", "1", "--heldout", "6", "--k", "2",
                "--controls", "no-think", "--csv", csv.toString(), "--plots", dir.toString(), "--out", model.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("at the start:").contains("in the middle:").contains("at the end:")
                .contains("| R1-Zero |").contains("| no-think control |");
        String[] lines = r.out().strip().split("\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) Json.parse(lines[lines.length - 1]);
        assertThat(j).containsKeys("heldout_pass1_start", "heldout_pass1_end", "mean_completion_tokens_start",
                "mean_completion_tokens_end", "seconds", "control_no_think_pass1_end");
        for (String k : List.of("heldout_pass1_start", "heldout_pass1_end", "control_no_think_pass1_end")) {
            assertThat(((Number) j.get(k)).doubleValue()).as(k).isBetween(0.0, 1.0);
        }
        // the base: about 10 tokens per completion
        assertThat(((Number) j.get("mean_completion_tokens_start")).doubleValue()).isBetween(9.0, 48.0);
        // three runs' evaluations: header + 3 per run (steps 0, 1, 2)
        assertThat(Files.readAllLines(csv)).hasSize(1 + 3 + 3);
        assertThat(Files.size(dir.resolve("r1-zero.png"))).isPositive();
        assertThat(Checkpoint.load(model).config.vocabSize()).isEqualTo(262);
        assertThat(model.resolve("r1.json")).exists();
        assertThat(model.resolve("tokenizer.json")).exists();
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) {
        MainTest.Result r = MainTest.run("r1", "nonsense");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown action 'nonsense'");
        r = MainTest.run("r1", "zero", "--base", dir.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not a model directory");
        r = MainTest.run("r1", "zero", "--base", "tiny-models/deepseek-v3-addition");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vocabulary of 256").contains("262");
        r = MainTest.run("r1", "zero", "--controls", "sometimes");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown control 'sometimes'");
    }
}
