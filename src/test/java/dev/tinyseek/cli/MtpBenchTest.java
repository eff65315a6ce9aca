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
        assertThat(r.out()).contains("draft depth 1: acceptance depth 1", "output = greedy", "plain", "cost model, depth 1");
        MainTest.Result help = MainTest.run("bench", "--mtp", "--help");
        assertThat(help.out()).startsWith("usage: tinyseek bench --mtp").contains("--model");
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
