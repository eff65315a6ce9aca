package dev.tinyseek.model;

import dev.tinyseek.io.CheckpointException;
import dev.tinyseek.io.Dtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {

    @Test
    void saveThenLoadGivesTheSameLogitsToTheBit(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(21);
        Checkpoint.save(m, dir, Dtype.F32, Map.of("note", "test"));
        Transformer back = Checkpoint.load(dir);
        assertThat(back.config).isEqualTo(m.config);
        int[] seq = {1, 2, 3, 200, 7};
        float[] a = m.forward(seq, 1, seq.length).logits();
        float[] b = back.forward(seq, 1, seq.length).logits();
        assertThat(b).containsExactly(a);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json", "model.safetensors");
        }
    }

    @Test
    void aMissingOrMismatchedTensorIsNamed(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(1);
        Checkpoint.save(m, dir, Dtype.F32, Map.of());
        // a config that asks for another width: every tensor disagrees; the first is named
        String cfg = Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\": 128", "\"intermediate_size\": 96");
        Files.writeString(dir.resolve("config.json"), cfg);
        assertThatThrownBy(() -> Checkpoint.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight").hasMessageContaining("[128, 64]")
                .hasMessageContaining("[96, 64]");
        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("nowhere"))).hasMessageContaining("config.json");
    }

    @Test
    void oneCallLoadSaveAndGenerateFromJshell(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(4);
        m.save(dir);
        Transformer back = Transformer.load(dir);
        int[] prompt = {5, 6, 7};
        int[] a = m.generate(prompt, 6, -1);
        assertThat(a).hasSize(6);
        assertThat(back.generate(prompt, 6, -1)).containsExactly(a);
        // greedy generation equals the argmax of a full forward over prompt + generated tokens
        int[] seq = new int[prompt.length + a.length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(a, 0, seq, prompt.length, a.length);
        float[][] logits = m.logits(seq);
        for (int i = 0; i < a.length; i++) {
            assertThat(dev.tinyseek.generate.Sampler.argmax(logits[prompt.length - 1 + i], 0, logits[0].length)).isEqualTo(a[i]);
        }
    }
}
