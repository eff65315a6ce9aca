package dev.tinyseek.cli;

import dev.tinyseek.experiments.TinyModelsTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek generate --speculative`: MTP switched on at inference gives the same text as the
/// main model alone (greedy), reports its drafts, and refuses what cannot work.
class GenerateCommandTest {

    static final String MODEL = TinyModelsTest.ROOT.resolve("deepseek-v3-addition").toString();

    @Test
    void speculativeGreedyPrintsThePlainTextAndTheDrafts() {
        MainTest.Result plain = MainTest.run("generate", MODEL, "--prompt", "12+34=");
        MainTest.Result spec = MainTest.run("generate", MODEL, "--prompt", "12+34=", "--speculative");
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(spec.code()).as(spec.err()).isZero();
        String first = spec.out().lines().findFirst().orElseThrow();
        assertThat(first).isEqualTo(plain.out().strip());
        assertThat(spec.out()).contains("speculative:").containsPattern("depth 1: \\d+ of \\d+");
        assertThat(plain.out()).doesNotContain("speculative");
    }

    @Test
    void speculativeSamplingRuns() {
        MainTest.Result r = MainTest.run("generate", MODEL, "--prompt", "12+34=", "--speculative", "--draft-depth", "1",
                "--temperature", "0.8", "--seed", "3");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("12+34=").contains("depth 1:");
    }

    @Test
    void badCombinationsNameTheFix(@TempDir Path dir) {
        MainTest.Result deep = MainTest.run("generate", MODEL, "--prompt", "1+1=", "--speculative", "--draft-depth", "2");
        assertThat(deep.code()).isEqualTo(2);
        assertThat(deep.err()).contains("--draft-depth 2");
        MainTest.Result alone = MainTest.run("generate", MODEL, "--prompt", "1+1=", "--draft-depth", "1");
        assertThat(alone.code()).isEqualTo(2);
        assertThat(alone.err()).contains("--speculative");
        MainTest.Result t = MainTest.run("train", "--digits", "1", "--steps", "2", "--batch", "2", "--eval-problems", "2",
                "--quiet", "--out", dir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        MainTest.Result none = MainTest.run("generate", dir.toString(), "--prompt", "1+1=", "--speculative");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--mtp-depth");
        MainTest.Result lambda = MainTest.run("train", "--mtp-lambda", "0.3:0.1", "--steps", "2");
        assertThat(lambda.code()).isEqualTo(2);
        assertThat(lambda.err()).contains("FIRST:LATER@FRACTION");
    }
}
