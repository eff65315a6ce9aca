package dev.tinyseek.cli;

import dev.tinyseek.experiments.TextModelCard;
import dev.tinyseek.experiments.TextReport;
import dev.tinyseek.experiments.TextRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek train --task text` trains on Tiny Shakespeare with its BPE vocabulary, saves that
/// tokenizer with the model, and `tinyseek generate` continues text with it.
class TextTrainTest {

    @Test
    void trainsSavesAndGeneratesWithTheBpeTokenizer(@TempDir Path dir) throws Exception {
        MainTest.Result t = MainTest.run("train", "--task", "text", "--steps", "3", "--batch", "2", "--seq-len", "16",
                "--eval-every", "0", "--eval-problems", "2", "--quiet", "--threads", "1", "--out", dir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("task: text").containsPattern("held-out \\(32 tokens\\): loss \\d+\\.\\d+, \\d+\\.\\d+ bits per byte");
        assertThat(Files.readString(dir.resolve(dev.tinyseek.train.TrainRun.TOKENIZER)))
                .isEqualTo(Files.readString(Path.of("src/main/resources/dev/tinyseek/train/text/tinyshakespeare-bpe512.json")));
        assertThat(Files.readAllLines(dir.resolve(TextRuns.CURVE))).hasSize(2).first().isEqualTo("step,train_loss,heldout_loss,heldout_accuracy");
        assertThat(TextRuns.isText(dir)).isTrue();
        MainTest.Result g = MainTest.run("generate", dir.toString(), "--prompt", "ROMEO:", "--max-new", "12");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.out()).startsWith("ROMEO:");
    }

    @Test
    void optionsOfTheSyntheticTasksAreRefused() {
        MainTest.Result r = MainTest.run("train", "--task", "text", "--digits", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--digits does not apply to --task text");
        MainTest.Result l = MainTest.run("train", "--task", "text", "--mtp-lambda", "0.3:0.1@0.5");
        assertThat(l.code()).isEqualTo(2);
        assertThat(l.err()).contains("one constant weight");
        MainTest.Result bad = MainTest.run("train", "--task", "poetry");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("text");
    }
}
