package dev.tinyseek.train;

import dev.tinyseek.nn.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// A training run called from the library, as from jshell: settings with withers, `run`, then
/// `resume` from the run directory, to the same weights, bit for bit, as a run that never stopped.
class TrainRunTest {

    static final TrainRun.Settings TINY = TrainRun.Settings.defaults().withDigits(1).withArch("dense").withBatch(2)
            .withSteps(8).withEval(0, 2);

    @Test
    void aRunStoppedAndResumedFromItsDirectoryEqualsOneThatNeverStopped(@TempDir Path dir) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        TrainRun.Result straight = TrainRun.run(TINY, TrainRun.Options.to(dir.resolve("straight")).withQuiet(true), quiet);
        TrainRun.Result half = TrainRun.run(TINY, TrainRun.Options.to(dir.resolve("split")).withStopAt(4).withQuiet(true), quiet);
        assertThat(half.step()).isEqualTo(4);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", TrainingState.OPTIMIZER, TrainingState.STATE)) {
            assertThat(Files.isRegularFile(dir.resolve("split").resolve(f))).as(f).isTrue();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainRun.Result rest = TrainRun.resume(dir.resolve("split"), 0, TrainRun.Options.to(dir.resolve("split")).withQuiet(true),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("resuming " + dir.resolve("split") + " at step 4 of 8");
        assertThat(rest.step()).isEqualTo(8);
        List<Param> a = straight.model().params(), b = rest.model().params();
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).data).as(a.get(i).name).containsExactly(a.get(i).data);
        }
        assertThat(rest.toString()).startsWith("TrainRun.Result[step 8, final loss");
        assertThat(TrainingState.readState(dir.resolve("split")).settings()).containsEntry("digits", "1").containsEntry("arch", "dense");
    }

    @Test
    void settingsSurviveTheirStoredFormAndBadOnesAreNamedBeforeTraining(@TempDir Path dir) {
        TrainRun.Settings s = TINY.withMtpDepth(1).withPrecision("fp8").withSeed(7);
        assertThat(TrainRun.Settings.fromMap(s.toMap())).isEqualTo(s.withWarmupResolved());
        TrainRun.Settings shortSeq = new TrainRun.Settings("addition", 3, true, "tiny", "dense", 0, 0, "0.3", 0, 0, "fp32", 0, "fp32",
                false, 4, 2, 4, 3e-3, -1, 0.1, 1.0, 1, 0, 2);
        assertThatThrownBy(() -> TrainRun.run(shortSeq, TrainRun.Options.to(dir.resolve("x")), System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--seq-len 4 is too short for 3-digit addition");
        assertThat(dir.resolve("x")).doesNotExist();
    }
}
