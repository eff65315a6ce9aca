package dev.tinyseek.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/// `tinyseek demo` runs on the shipped model and tells the story with its own numbers.
class DemoCommandTest {

    @Test
    void theDemoRunsOnTheShippedModelAndWritesItsCharts(@TempDir Path plots) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = Main.run(new String[] {"demo", "--problems", "10", "--plots", plots.toString(), "--grpo-steps", "2"}, out, out);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("latent     24  vs  standard attention    160  (85.0% less)")
                .contains("latent    576  vs  standard attention 40,960  (98.6% less)")
                .contains("identical output: 10 of 10")
                .contains("weight matrices (all together)")
                .contains("trained in FP8")
                .contains("5. GRPO: 2 steps")
                .contains("held-out greedy accuracy");
        assertThat(plots.resolve("routing.png")).isRegularFile();
        assertThat(plots.resolve("grpo.png")).isRegularFile();
    }

    @Test
    void aMissingModelDirectorySaysHowToMakeIt(@TempDir Path tmp) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = Main.run(new String[] {"demo", "--model", tmp.resolve("nope").toString()}, out, out);
        assertThat(code).isEqualTo(1);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("tinyseek models make deepseek-v3-addition");
    }
}
