package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek bench --mtp` runs end to end on the shipped model (a few problems, one round; the
/// figures themselves are timings and are not checked), and refuses a model without MTP.
class MtpBenchTest {

    @Test
    void runsOnTheShippedModel() {
        MainTest.Result r = MainTest.run("bench", "--mtp", "--problems", "3", "--rounds", "1", "--no-train",
                "--model", GenerateCommandTest.MODEL);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("draft depth 1: acceptance depth 1", "output = greedy", "plain", "cost model, depth 1",
                "decoding after the prompt");
        MainTest.Result help = MainTest.run("bench", "--mtp", "--help");
        assertThat(help.out()).startsWith("usage: tinyseek bench --mtp").contains("--model");
    }

    @Test
    void aDeeperModelWithTwoModulesTrainsAndBenches(@TempDir Path dir) throws Exception {
        // --layers sets num_hidden_layers; the modules follow the main layers in the checkpoint
        MainTest.Result t = MainTest.run("train", "--digits", "1", "--layers", "3", "--mtp-depth", "2", "--steps", "2",
                "--batch", "2", "--eval-problems", "2", "--quiet", "--out", dir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(t.out()).contains("3 layers + 2 MTP");
        String config = java.nio.file.Files.readString(dir.resolve("config.json"));
        assertThat(config).contains("\"num_hidden_layers\": 3", "\"num_nextn_predict_layers\": 2");
        MainTest.Result r = MainTest.run("bench", "--mtp", "--problems", "2", "--rounds", "1", "--no-train",
                "--model", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("draft depth 2: acceptance depth 1", "speculative depth 2");
        MainTest.Result bad = MainTest.run("train", "--layers", "0", "--out", dir.resolve("x").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--layers");
    }

    @Test
    void aModelWithoutMtpIsRefused(@TempDir Path dir) {
        MainTest.Result t = MainTest.run("train", "--digits", "1", "--steps", "2", "--batch", "2", "--eval-problems", "2",
                "--quiet", "--out", dir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        MainTest.Result r = MainTest.run("bench", "--mtp", "--model", dir.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--mtp-depth");
    }
}
