package dev.tinyseek.cli;

import dev.tinyseek.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// `tinyseek cost`, called directly (not through Main's table of commands).
class CostCommandTest {

    static String run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = new CostCommand().run(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(rc).isZero();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pricesTheV3ConfigFromAFileAndADirectory(@TempDir Path dir) throws Exception {
        String text;
        try (var in = CostCommandTest.class.getResourceAsStream("/deepseek-v3-671b-config.json")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("config.json"), text);
        String table = run(dir.toString(), "--gpu-hours", "2.788e6", "--price", "2");
        assertThat(table).contains("671.03B", "36.63B", "576", "2,788,000 GPU-hours ($5,576,000)", "imply MFU 0.435");
        assertThat(run(dir.resolve("config.json").toString())).isEqualTo(run(dir.toString()));
    }

    @Test
    void jsonIsOneObject() throws Exception {
        Object j = Json.parse(run("tiny", "--tokens", "1e9", "--context", "64", "--json"));
        assertThat(j).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) j).keySet()).map(Object::toString).contains("parameters", "flops_per_token", "kv_cache_per_token",
                "weight_bytes", "training_run");
    }

    @Test
    void badArgumentsNameTheFlag() {
        assertThatThrownBy(() -> run("tiny", "--mfu", "1.5")).hasMessageContaining("--mfu 1.5");
        assertThatThrownBy(() -> run("tiny", "--tokens", "-1")).hasMessageContaining("--tokens -1");
        assertThatThrownBy(() -> run("no/such/config.json")).hasMessageContaining("no/such/config.json");
        assertThatThrownBy(() -> run()).isInstanceOf(Args.UsageException.class).hasMessageContaining("missing CONFIG|PRESET");
    }
}
