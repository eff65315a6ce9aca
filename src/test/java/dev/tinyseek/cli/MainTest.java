package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "generate", "bench", "inspect", "balance-ablation", "notebook", "cost"})
    void everySubcommandHasHelp(String cmd) {
        Result r = run(cmd, "--help");
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("usage: tinyseek " + cmd).contains("--help");
    }

    @Test
    void unknownFlagsAndBadValuesGiveOneLineAndExitCode2() {
        Result r = run("train", "--stepz", "3");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err.strip()).contains("unknown option --stepz").doesNotContain("\n");
        Result bad = run("train", "--steps", "many");
        assertThat(bad.code).isEqualTo(2);
        assertThat(bad.err.strip()).contains("--steps many is not an integer").doesNotContain("\n");
        Result range = run("generate", "x", "--prompt", "1", "--top-p", "3");
        assertThat(range.code).isEqualTo(2);
        assertThat(range.err).contains("--top-p 3");
        assertThat(run("fly").code).isEqualTo(2);
        assertThat(run().code).isEqualTo(2);
    }

    @Test
    void aMissingModelDirectoryIsAOneLineErrorWithExitCode1(@TempDir Path dir) {
        Result r = run("generate", dir.resolve("none").toString(), "--prompt", "1+1=");
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err.strip()).contains("config.json").doesNotContain("\n").doesNotContain("at dev.");
    }

    @Test
    void trainThenGenerateEndToEnd(@TempDir Path dir) {
        Result t = run("train", "--digits", "1", "--steps", "30", "--batch", "8", "--seq-len", "8",
                "--eval-problems", "5", "--quiet", "--out", dir.toString());
        assertThat(t.code).as(t.err).isZero();
        assertThat(t.out).contains("held-out exact match").contains("saved");
        Result g = run("generate", dir.toString(), "--prompt", "3+4=", "--max-new", "4");
        assertThat(g.code).as(g.err).isZero();
        assertThat(g.out).startsWith("3+4=");
    }

    /// `--stop-at` then `--resume` gives the same weights, to the bit, as a run that never stopped.
    @Test
    void resumeContinuesARunExactly(@TempDir Path dir) throws Exception {
        String[] common = {"--digits", "1", "--batch", "4", "--eval-problems", "3", "--quiet", "--steps", "12"};
        Result straight = run(concat(common, "--out", dir.resolve("a").toString()));
        assertThat(straight.code).as(straight.err).isZero();
        Result half = run(concat(common, "--stop-at", "6", "--out", dir.resolve("b").toString()));
        assertThat(half.code).as(half.err).isZero();
        assertThat(half.out).contains("stopped at step 6 of 12");
        assertThat(run("train", "--resume", dir.resolve("b").toString(), "--digits", "2").err)
                .contains("--digits cannot change when resuming");
        Result rest = run("train", "--resume", dir.resolve("b").toString(), "--quiet");
        assertThat(rest.code).as(rest.err).isZero();
        assertThat(rest.out).contains("at step 6 of 12");
        var a = dev.tinyseek.model.Checkpoint.load(dir.resolve("a"));
        var b = dev.tinyseek.model.Checkpoint.load(dir.resolve("b"));
        for (var p : a.params()) {
            assertThat(b.paramsByName().get(p.name).data).as(p.name).containsExactly(p.data);
        }
        assertThat(java.nio.file.Files.exists(dir.resolve("b/tokenizer.json"))).isTrue();
        assertThat(run("train", "--resume", dir.resolve("b").toString()).err).contains("already has 12 steps");
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length + 1];
        r[0] = "train";
        System.arraycopy(a, 0, r, 1, a.length);
        System.arraycopy(b, 0, r, 1 + a.length, b.length);
        return r;
    }

    @Test
    void inspectPrintsTheTableOrOneLineForABadDirectory(@TempDir Path dir) throws Exception {
        dev.tinyseek.model.Checkpoint.save(new dev.tinyseek.model.Transformer(dev.tinyseek.model.ModelConfig.tiny().dense(), 1),
                dir, dev.tinyseek.io.Dtype.BF16, java.util.Map.of());
        Result ok = run("inspect", dir.toString());
        assertThat(ok.code).as(ok.err).isZero();
        assertThat(ok.out).contains("\"hidden_size\": 64").containsPattern("model.layers.1.mlp.down_proj.weight +BF16 +\\[64, 128\\]")
                .contains("123,200 total").contains("KV cache: 320 numbers per token")
                .containsPattern("GEMM backend: [a-z]+ \\(");
        java.nio.file.Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Result bad = run("inspect", dir.toString());
        assertThat(bad.code).isEqualTo(1);
        assertThat(bad.err.strip()).contains("model.safetensors").doesNotContain("\n").doesNotContain("at dev.");
    }

    @Test
    void balanceAblationPrintsOneRowPerArm(@TempDir Path dir) {
        Result r = run("balance-ablation", "--steps", "6", "--batch", "4", "--digits", "1", "--eval-problems", "3",
                "--plots", dir.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("| no balancing |").contains("| auxiliary loss only (alpha 0.01) |")
                .contains("| auxiliary-loss-free bias (gamma 0.001) |");
        assertThat(dir.resolve("balance.png")).exists();
    }

    @Test
    void trainingTheDeepseekModelReportsExpertLoadAndPlotsIt(@TempDir Path dir) {
        Result r = run("train", "--digits", "1", "--steps", "8", "--batch", "4", "--eval-problems", "3", "--quiet",
                "--out", dir.resolve("m").toString(), "--plots", dir.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("deepseek").contains("expert load").contains("layer 1: ");
        assertThat(dir.resolve("expert_load.png")).exists();
        assertThat(dir.resolve("loss.png")).exists();
    }

    @Test
    void trainingWithAnMtpModuleSavesItAndReportsItsLoss(@TempDir Path dir) throws Exception {
        Result r = run("train", "--digits", "1", "--steps", "6", "--batch", "4", "--eval-problems", "3", "--quiet",
                "--mtp-depth", "1", "--out", dir.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("MTP: 1 module(s)");
        assertThat(java.nio.file.Files.readString(dir.resolve("config.json"))).contains("\"num_nextn_predict_layers\": 1");
        assertThat(dev.tinyseek.model.Checkpoint.load(dir).mtp).hasSize(1);
    }
}
