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
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json", "model.safetensors", "manifest.json");
        }
    }

    @Test
    void aMissingOrMismatchedTensorIsNamed(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(1);
        Checkpoint.save(m, dir, Dtype.F32, Map.of());
        Files.delete(dir.resolve("manifest.json")); // edited by hand, as a checkpoint from elsewhere (no manifest)
        // a config that asks for another width: every tensor disagrees; the first is named
        String cfg = Files.readString(dir.resolve("config.json")).replace("\"intermediate_size\": 128", "\"intermediate_size\": 96");
        Files.writeString(dir.resolve("config.json"), cfg);
        assertThatThrownBy(() -> Checkpoint.load(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight").hasMessageContaining("[128, 64]")
                .hasMessageContaining("[96, 64]");
        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("nowhere"))).hasMessageContaining("config.json");
    }

    @Test
    void oneCallLoadAndSaveFromJshell(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(4);
        m.save(dir);
        Transformer back = Transformer.load(dir);
        int[] seq = {5, 6, 7, 9, 200};
        assertThat(back.forward(seq, 1, seq.length).logits()).containsExactly(m.forward(seq, 1, seq.length).logits());
        // cached decoding of the loaded model gives the same logits as the original's
        assertThat(back.decode(back.newDecodeState(8), seq)).containsExactly(m.decode(m.newDecodeState(8), seq));
    }

    /// Tensors of a Multi-Token Prediction module ("model.layers.{num_hidden_layers}.*") that the
    /// model does not build are skipped with a note; any other extra tensor is an error.
    @Test
    void mtpTensorsAreSkippedWithANoteOtherExtrasAreErrors(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(8);
        java.util.Map<String, dev.tinyseek.io.TensorData> t = new java.util.LinkedHashMap<>();
        for (var p : m.params()) {
            t.put(p.name, dev.tinyseek.io.TensorData.of(p.data.clone(), p.shape));
        }
        t.put("model.layers.2.eh_proj.weight", dev.tinyseek.io.TensorData.of(new float[64 * 128], 64, 128));
        t.put("model.layers.2.enorm.weight", dev.tinyseek.io.TensorData.of(new float[64], 64));
        Checkpoint.save(m, dir, Dtype.F32, Map.of());
        Files.delete(dir.resolve("manifest.json")); // assembled by hand, as a checkpoint from elsewhere
        dev.tinyseek.io.Safetensors.write(dir.resolve("model.safetensors"), t, Map.of(), Dtype.F32);
        java.util.List<String> notes = new java.util.ArrayList<>();
        Transformer back = Checkpoint.load(dir, notes::add);
        assertThat(notes).singleElement().asString().contains("model.layers.2").contains("Multi-Token Prediction");
        assertThat(back.params().get(0).data).containsExactly(m.params().get(0).data);

        t.put("model.layers.0.mlp.extra.weight", dev.tinyseek.io.TensorData.of(new float[4], 4));
        dev.tinyseek.io.Safetensors.write(dir.resolve("model.safetensors"), t, Map.of(), Dtype.F32);
        assertThatThrownBy(() -> Checkpoint.load(dir, notes::add)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.layers.0.mlp.extra.weight").hasMessageContaining("unexpected");
    }

    @Test
    void aConfigThatIsNotJsonNamesTheFile(@TempDir Path dir) throws Exception {
        Checkpoint.save(TransformerTest.model(1), dir, Dtype.F32, Map.of());
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64,");
        assertThatThrownBy(() -> Checkpoint.load(dir)).hasMessageContaining("config.json");
    }

    /// BF16 checkpoints load with every weight rounded to bfloat16 (nearest even), nothing else changed.
    @Test
    void bf16SaveRoundsEveryWeight(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(12);
        Checkpoint.save(m, dir, Dtype.BF16, Map.of());
        Transformer back = Checkpoint.load(dir);
        for (var p : m.params()) {
            float[] got = back.paramsByName().get(p.name).data;
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isEqualTo(dev.tinyseek.fp8.Bf16.round(p.data[i]));
            }
        }
    }

    /// The full DeepSeek-V3 shape: MLA and MoE tensors under their HF names, and the router bias
    /// (a buffer the optimizer never sees) saved and restored with the weights.
    @Test
    void deepseekModelRoundTripsWithItsRouterBias(@TempDir Path dir) throws Exception {
        Transformer m = TransformerTest.model(ModelConfig.tiny(), 31);
        var bias = m.paramsByName().get("model.layers.1.mlp.gate.e_score_correction_bias");
        assertThat(bias).isNotNull();
        assertThat(m.params()).doesNotContain(bias);
        for (int i = 0; i < bias.data.length; i++) {
            bias.data[i] = 0.01f * i - 0.03f;
        }
        Checkpoint.save(m, dir, Dtype.F32, Map.of());
        Transformer back = Checkpoint.load(dir);
        assertThat(back.paramsByName().get("model.layers.1.mlp.gate.e_score_correction_bias").data).containsExactly(bias.data);
        assertThat(back.paramsByName()).containsKeys("model.layers.0.self_attn.kv_a_proj_with_mqa.weight",
                "model.layers.1.self_attn.q_b_proj.weight", "model.layers.1.mlp.experts.7.up_proj.weight",
                "model.layers.1.mlp.shared_experts.down_proj.weight", "model.layers.0.mlp.gate_proj.weight");
        int[] seq = {3, 1, 4, 1, 5, 9, 2, 6};
        assertThat(back.forward(seq, 1, seq.length).logits()).containsExactly(m.forward(seq, 1, seq.length).logits());
    }
}
