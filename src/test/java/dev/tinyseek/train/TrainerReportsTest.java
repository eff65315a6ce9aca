package dev.tinyseek.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinyseek.model.ModelConfig;
import dev.tinyseek.model.Transformer;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tasks.Addition;
import dev.tinyseek.tensor.CrossEntropy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// What a training run reports besides its losses: the evaluations (every `evalEvery` steps and
/// at the last), the progress lines, the step listener, the token count and timing, and the edges
/// of every setting the package checks.
class TrainerReportsTest {

    @Test
    void evaluationsProgressAndTheListenerFollowTheirSchedules() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 3);
        int steps = 10, every = 3, b = 4, t = 12;
        Trainer.Options o = new Trainer.Options(steps, 3e-3, 3e-4, 2, 0.1, 1.0, every);
        var text = new ByteArrayOutputStream();
        List<Integer> heard = new ArrayList<>();
        int[] evaluated = {0};
        long before = System.nanoTime();
        Trainer.History h;
        try (var progress = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            h = new Trainer(progress).train(m, AdamW.deepseek(m.params()), new TaskData(new Addition(2, true, true), 3, b, t), o,
                    model -> Map.of("acc", 0.125 * ++evaluated[0]), 0, steps, heard::add);
        }
        double wall = (System.nanoTime() - before) / 1e9;
        String out = text.toString(StandardCharsets.UTF_8);

        // 1. evaluations after steps 3, 6, 9 and the last (10), each with its 1-based step
        assertThat(h.evals()).extracting(e -> e.get("step")).containsExactly(3.0, 6.0, 9.0, 10.0);
        assertThat(h.evals()).extracting(e -> e.get("acc")).containsExactly(0.125, 0.25, 0.375, 0.5);
        assertThat(out).contains("step 3 eval acc 0.1250\n").contains("step 10 eval acc 0.5000\n").doesNotContain("eval step");
        // 2. a progress line every tenth of the run (here every step), not live: one per line
        for (int s = 1; s <= steps; s++) {
            assertThat(out).contains("step " + s + "/" + steps + " | loss ");
        }
        assertThat(out).doesNotContain("\r").doesNotContain("\n\n");
        // 3. the listener hears every step, counted from 1
        assertThat(heard).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        // 4. tokens, time and speed agree with the batches and the wall clock
        assertThat(h.tokens()).isEqualTo((long) steps * b * t);
        assertThat(h.seconds()).isPositive().isLessThanOrEqualTo(wall);
        for (Trainer.Step s : h.steps()) {
            assertThat(s.tokensPerSecond()).as("step %d", s.step()).isGreaterThanOrEqualTo(b * t / wall);
        }
        assertThat(h.lastLoss()).isEqualTo(h.steps().get(steps - 1).loss()).isPositive();
    }

    /// A resumed run of 20 steps from step 4, evaluating only at the end: a progress line every
    /// second step, each with figures the wall clock bounds (elapsed at most the call's time,
    /// tokens/s at least the tokens so far over it and at most over the time between listener
    /// calls, nothing left at the end and never less than nothing).
    @Test
    void progressLinesCarryFiguresTheWallClockBounds() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 4);
        int steps = 20, from = 4, b = 2, t = 12;
        Trainer.Options o = new Trainer.Options(steps, 3e-3, 3e-4, 2, 0.1, 1.0, 0);
        var text = new ByteArrayOutputStream();
        List<Long> heardAt = new ArrayList<>();
        long before = System.nanoTime();
        Trainer.History h;
        try (var progress = new PrintStream(text, true, StandardCharsets.UTF_8)) {
            h = new Trainer(progress).train(m, AdamW.deepseek(m.params()), new TaskData(new Addition(2, true, true), 4, b, t), o,
                    model -> Map.of("acc", 1.0), from, steps, s -> heardAt.add(System.nanoTime()));
        }
        double wall = (System.nanoTime() - before) / 1e9;
        assertThat(h.evals()).extracting(e -> e.get("step")).containsExactly(20.0);
        var line = java.util.regex.Pattern.compile(
                "step (\\d+)/20 \\| loss [0-9.]+ \\| ([0-9.]+)k tok/s \\| (\\d+):(\\d\\d) elapsed, (-?\\d+):(\\d\\d) left");
        List<Integer> printed = new ArrayList<>();
        for (String l : text.toString(StandardCharsets.UTF_8).split("\n")) {
            var mt = line.matcher(l);
            if (!mt.matches()) {
                continue;
            }
            int step = Integer.parseInt(mt.group(1)), done = step - from;
            printed.add(step);
            double tokPerSec = Double.parseDouble(mt.group(2)) * 1000;
            int elapsed = 60 * Integer.parseInt(mt.group(3)) + Integer.parseInt(mt.group(4));
            int left = 60 * Integer.parseInt(mt.group(5)) + Integer.parseInt(mt.group(6));
            long tokens = (long) done * b * t;
            assertThat(elapsed).as(l).isLessThanOrEqualTo((int) Math.ceil(wall));
            assertThat(tokPerSec).as(l).isGreaterThanOrEqualTo(tokens / wall - 50);
            double sinceFirst = (heardAt.get(done - 1) - heardAt.get(0)) / 1e9;
            if (sinceFirst > 0.5) {
                assertThat(tokPerSec).as(l).isLessThanOrEqualTo(tokens / sinceFirst + 50);
            }
            assertThat(left).as(l).isBetween(0, (int) Math.ceil(wall * (steps - step) + 1));
            if (step == steps) {
                assertThat(left).as(l).isZero();
            }
        }
        assertThat(printed).containsExactly(6, 8, 10, 12, 14, 16, 18, 20);
    }

    @Test
    void aFailingListenerStopsTheRunNamingTheStep() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 3);
        Trainer.Options o = new Trainer.Options(4, 3e-3, 3e-4, 0, 0.1, 1.0, 0);
        assertThatThrownBy(() -> new Trainer(null).train(m, AdamW.deepseek(m.params()),
                new TaskData(new Addition(2, true, true), 3, 2, 12), o, null, 0, 4, s -> {
                    if (s == 2) {
                        throw new java.io.IOException("disk full");
                    }
                })).isInstanceOf(IllegalStateException.class).hasMessage("step 2: disk full");
    }

    @Test
    void progressLineAndClockFormatTheirNumbers() {
        assertThat(Trainer.progressLine(5, 20, 4, 1.23456, 12345, 65))
                .isEqualTo("step 5/20 | loss 1.2346 | 12.3k tok/s | 1:05 elapsed, 4:04 left");
        assertThat(Trainer.clock(3725.4)).isEqualTo("62:05");
        assertThat(Trainer.clock(59.6)).isEqualTo("1:00");
    }

    @Test
    void shiftedTargetsReadKPositionsAheadInEverySequenceOfTheBatch() {
        int b = 3, t = 5;
        int[] targets = new int[b * t];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = 100 + i;
        }
        Batch batch = new Batch(new int[b * t], targets, b, t);
        for (int k = 0; k <= t; k++) {
            int[] got = Trainer.shiftTargets(batch, k);
            for (int bi = 0; bi < b; bi++) {
                for (int i = 0; i < t; i++) {
                    int want = i + k < t ? 100 + bi * t + i + k : CrossEntropy.IGNORE;
                    assertThat(got[bi * t + i]).as("k %d, sequence %d, position %d", k, bi, i).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void aNonFiniteWeightIsNamedAsAValueWithItsIndex() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 1);
        Param bad = m.paramsByName().get("model.layers.1.mlp.up_proj.weight");
        bad.data[17] = Float.NaN;
        Trainer.Options o = new Trainer.Options(3, 1e-3, 1e-4, 0, 0.0, 1.0, 0);
        assertThatThrownBy(() -> new Trainer(null).train(m, AdamW.deepseek(m.params()),
                new TaskData(new Addition(2, true, true), 1, 4, 12), o, null))
                .isInstanceOf(Trainer.NonFiniteException.class)
                .hasMessageStartingWith("step 0: the value of model.layers.1.mlp.up_proj.weight is NaN at index 17;");
    }

    @Test
    void anEmptyRangeOfStepsTrainsNothing() {
        Transformer m = new Transformer(ModelConfig.tiny().dense(), 1);
        Trainer.Options o = new Trainer.Options(3, 1e-3, 1e-4, 0, 0.0, 1.0, 0);
        Trainer.History h = new Trainer(null).train(m, AdamW.deepseek(m.params()),
                new TaskData(new Addition(2, true, true), 1, 2, 12), o, null, 2, 2, null);
        assertThat(h.steps()).isEmpty();
        assertThat(h.tokens()).isZero();
        assertThatThrownBy(() -> new Trainer(null).train(m, AdamW.deepseek(m.params()),
                new TaskData(new Addition(2, true, true), 1, 2, 12), o, null, 2, 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot train steps [2, 1) of a run of 3");
    }

    @Test
    void theEdgesOfEverySettingAreAcceptedAndJustPastThemRefused() {
        // learning-rate schedule: min = peak, min = 0, no warmup, one step
        assertThatCode(() -> new LrSchedule(1e-3, 1e-3, 0, 1)).doesNotThrowAnyException();
        assertThatCode(() -> new LrSchedule(1e-3, 0, 0, 1)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new LrSchedule(0, 0, 0, 1)).hasMessageContaining("peak > 0");
        assertThatThrownBy(() -> new LrSchedule(1e-3, -1e-9, 0, 1)).hasMessageContaining("0 <= min");
        assertThatThrownBy(() -> new LrSchedule(1e-3, Math.nextUp(1e-3), 0, 1)).hasMessageContaining("min <= peak");
        assertThatThrownBy(() -> new LrSchedule(1e-3, 0, 0, 0)).hasMessageContaining("total > 0");
        // AdamW: betas in [0, 1), eps > 0, decay >= 0
        Param p = new Param("w", false, 2);
        assertThatCode(() -> new AdamW(List.of(p), 0, 0, Double.MIN_VALUE, 0)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new AdamW(List.of(p), 1, 0.5, 1e-8, 0)).hasMessageContaining("betas");
        assertThatThrownBy(() -> new AdamW(List.of(p), 0.5, 1, 1e-8, 0)).hasMessageContaining("betas");
        assertThatThrownBy(() -> new AdamW(List.of(p), -1e-9, 0.5, 1e-8, 0)).hasMessageContaining("betas");
        assertThatThrownBy(() -> new AdamW(List.of(p), 0.5, -1e-9, 1e-8, 0)).hasMessageContaining("betas");
        assertThatThrownBy(() -> new AdamW(List.of(p), 0.5, 0.5, 0, 0)).hasMessageContaining("eps");
        assertThatThrownBy(() -> new AdamW(List.of(p), 0.5, 0.5, 1e-8, -1e-9)).hasMessageContaining("weight decay");
        AdamW opt = new AdamW(List.of(p), 0.5, 0.5, 1e-8, 0);
        assertThat(opt.bf16Moments()).isFalse();
        assertThat(opt.bf16Moments(true).bf16Moments()).isTrue();
        // run options: one step, evaluation only at the end
        assertThatCode(() -> new Trainer.Options(1, 1e-3, 0, 0, 0, 1, 0)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new Trainer.Options(0, 1e-3, 0, 0, 0, 1, 0)).hasMessageContaining("steps must be positive, got 0");
        Trainer.Options d = Trainer.Options.defaults(250);
        assertThat(d.warmup()).isEqualTo(25);
        assertThat(Trainer.Options.defaults(5000).warmup()).isEqualTo(100);
        // trainer knobs: zero is allowed, below zero or NaN is not
        assertThatCode(() -> new Trainer(null).mtpWeight(0).biasUpdateSpeed(0)).doesNotThrowAnyException();
        assertThat(new Trainer(null).biasUpdateSpeed(0.01)).isNotNull();
        for (double bad : new double[] {-1e-9, Double.NaN}) {
            assertThatThrownBy(() -> new Trainer(null).mtpWeight(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Trainer(null).biasUpdateSpeed(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatCode(() -> new MtpWeight(0, 0, 0.5)).doesNotThrowAnyException();
    }

    @Test
    void gradientClippingAtZeroIsOffAndBelowTheNormLeavesGradientsAlone() {
        Param p = new Param("w", false, 3);
        p.grad[0] = 3;
        p.grad[1] = 4;
        assertThat(GradClip.clip(List.of(p), 0)).isEqualTo(5.0);
        assertThat(p.grad).containsExactly(3f, 4f, 0f);
        assertThat(GradClip.clip(List.of(p), 10)).isEqualTo(5.0);
        assertThat(p.grad).containsExactly(3f, 4f, 0f);
        assertThat(GradClip.clip(List.of(p), 2.5)).isEqualTo(5.0);
        assertThat(p.grad).containsExactly(1.5f, 2f, 0f);
    }

    @Test
    void aScheduleWrittenAsTextReadsBackAsTheSameSchedule() {
        for (MtpWeight w : new MtpWeight[] {MtpWeight.constant(2), MtpWeight.constant(0.25), new MtpWeight(3, 1, 0.5),
                MtpWeight.DEEPSEEK_V3}) {
            assertThat(MtpWeight.parse(w.toString())).as(w.toString()).isEqualTo(w);
        }
        assertThat(MtpWeight.constant(2).toString()).isEqualTo("2");
    }

    @Test
    void aCheckpointExistsOnlyWithBothItsFiles(@TempDir Path dir) throws Exception {
        assertThat(TrainingState.exists(dir)).isFalse();
        Files.writeString(dir.resolve(TrainingState.STATE), "{}");
        assertThat(TrainingState.exists(dir)).isFalse();
        Files.delete(dir.resolve(TrainingState.STATE));
        Files.writeString(dir.resolve(TrainingState.OPTIMIZER), "");
        assertThat(TrainingState.exists(dir)).isFalse();
        Files.writeString(dir.resolve(TrainingState.STATE), "{}");
        assertThat(TrainingState.exists(dir)).isTrue();
    }
}
