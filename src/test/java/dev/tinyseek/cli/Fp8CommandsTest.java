package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.tinyseek.cli.MainTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek train --precision fp8` and `tinyseek fp8-ablation` from the command line.
class Fp8CommandsTest {

    @Test
    void fp8TrainingRunsEndToEndAndResumesExactly(@TempDir Path dir) throws Exception {
        String[] common = {"train", "--digits", "1", "--batch", "4", "--eval-problems", "3", "--quiet", "--steps", "8",
                "--precision", "fp8", "--bf16-moments"};
        MainTest.Result straight = run(with(common, "--out", dir.resolve("a").toString()));
        assertThat(straight.code()).as(straight.err()).isZero();
        assertThat(straight.out()).contains("precision: fp8 (E4M3, 1x32 / 32x32 scales, promotion every 32, fp32 accumulation)")
                .contains("AdamW moments in bf16").contains("held-out exact match");
        // resuming keeps the precision (a fp32 continuation would give other weights)
        assertThat(run(with(common, "--stop-at", "4", "--out", dir.resolve("b").toString())).code()).isZero();
        MainTest.Result rest = run("train", "--resume", dir.resolve("b").toString(), "--quiet");
        assertThat(rest.code()).as(rest.err()).isZero();
        assertThat(rest.out()).contains("precision: fp8");
        var a = dev.tinyseek.model.Checkpoint.load(dir.resolve("a"));
        var b = dev.tinyseek.model.Checkpoint.load(dir.resolve("b"));
        for (var p : a.params()) {
            assertThat(b.paramsByName().get(p.name).data).as(p.name).containsExactly(p.data);
        }
    }

    @Test
    void badPrecisionSettingsNameTheFix() {
        MainTest.Result r = run("train", "--precision", "fp16");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--precision").contains("fp32").contains("fp8");
        MainTest.Result h = run("train", "--precision", "fp8", "--fp8-tile", "16", "--fp8-accumulation", "hopper");
        assertThat(h.code()).isEqualTo(2);
        assertThat(h.err()).contains("--fp8-tile 16 must be a multiple of 32 with --fp8-accumulation hopper");
        MainTest.Result p = run("fp8-ablation", "--parts", "scaling,speed");
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.err()).contains("'speed' is not a part").contains("scaling, promotion, gradients, cost, train");
        assertThat(run("fp8-ablation", "--help").out()).startsWith("usage: tinyseek fp8-ablation");
    }

    @Test
    void ablationPartsPrintTheirTablesAndWriteCharts(@TempDir Path dir) {
        MainTest.Result r = run("fp8-ablation", "--parts", "scaling,gradients,train", "--steps", "10", "--batch", "4",
                "--digits", "1", "--window", "5", "--eval-problems", "5", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| 1e+05 | per tensor |").contains("| 1e+05 | 1x128 tiles |")
                .contains("| 1e+05 | 128x128 blocks |").contains("| fp8 (1x32 / 32x32) |").contains("| fp32, other batches (noise floor) |");
        for (String png : new String[] {"scaling.png", "gradients.png", "train_loss.png", "train_reldiff.png"}) {
            assertThat(dir.resolve(png)).exists();
        }
    }

    static String[] with(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
