package dev.tinyseek.model;

import dev.tinyseek.io.Dtype;
import dev.tinyseek.io.Safetensors;
import dev.tinyseek.io.TensorData;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// A random-weight checkpoint written the way the Hugging Face hub writes DeepSeek-V3 — its
/// `config.json` keys (with the ones we do not use, and no "tinyseek" block), YaRN `rope_scaling`,
/// HF tensor names including an MTP layer, BF16 weights — loads and runs.
class HfCheckpointTest {

    static final String CONFIG = """
            {
              "architectures": ["DeepseekV3ForCausalLM"],
              "auto_map": {"AutoConfig": "configuration_deepseek.DeepseekV3Config"},
              "aux_loss_alpha": 0.001, "bos_token_id": 0, "eos_token_id": 1, "ep_size": 1,
              "first_k_dense_replace": 1, "hidden_act": "silu", "hidden_size": 64,
              "initializer_range": 0.02, "intermediate_size": 128, "kv_lora_rank": 16,
              "max_position_embeddings": 8192, "model_type": "deepseek_v3", "moe_intermediate_size": 32,
              "moe_layer_freq": 1, "n_group": 2, "n_routed_experts": 8, "n_shared_experts": 1,
              "norm_topk_prob": true, "num_attention_heads": 4, "num_experts_per_tok": 2,
              "num_hidden_layers": 2, "num_key_value_heads": 4, "num_nextn_predict_layers": 1,
              "pretraining_tp": 1, "q_lora_rank": 32, "qk_nope_head_dim": 16, "qk_rope_head_dim": 8,
              "rms_norm_eps": 1e-06, "rope_theta": 10000,
              "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0, "mscale_all_dim": 1.0,
                               "original_max_position_embeddings": 4096, "type": "yarn"},
              "routed_scaling_factor": 2.5, "scoring_func": "sigmoid", "seq_aux": true,
              "tie_word_embeddings": false, "topk_group": 1, "topk_method": "noaux_tc",
              "torch_dtype": "bfloat16", "transformers_version": "4.33.1", "use_cache": true,
              "v_head_dim": 16, "vocab_size": 256
            }
            """;

    @Test
    void aHubStyleDeepseekV3CheckpointLoadsAndRuns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        ModelConfig cfg = ConfigJson.read(CONFIG, "config.json");
        assertThat(cfg.attentionType()).isEqualTo("mla");
        assertThat(cfg.ffnType()).isEqualTo("moe");
        assertThat(cfg.ropeScaling()).isNotNull();
        // weights from a model of that config, under HF names, plus an MTP layer the model does not build
        Transformer src = new Transformer(cfg, 77);
        Map<String, TensorData> t = new LinkedHashMap<>();
        for (Param p : src.paramsByName().values()) {
            t.put(p.name, TensorData.of(p.data.clone(), p.shape));
        }
        // the released files keep copies of the shared embedding and head under the MTP layer,
        // and a model may carry deeper MTP modules than the config asks for
        float[] eh = new float[64 * 128];
        new Rng(1).fillNormal(eh, 0.02);
        t.put("model.layers.3.eh_proj.weight", TensorData.of(eh, 64, 128));
        t.put("model.layers.2.embed_tokens.weight", TensorData.of(src.embed.weight.data.clone(), 256, 64));
        t.put("model.layers.2.shared_head.head.weight", TensorData.of(src.lmHead.weight.data.clone(), 256, 64));
        Safetensors.write(dir.resolve("model.safetensors"), t, Map.of("format", "pt"), Dtype.BF16);

        java.util.List<String> notes = new java.util.ArrayList<>();
        Transformer m = Checkpoint.load(dir, notes::add);
        assertThat(notes).hasSize(3);
        assertThat(notes.get(0)).contains("model.layers.3").contains("does not build");
        assertThat(String.join("\n", notes)).contains("model.layers.2.embed_tokens.weight").contains("model.layers.2.shared_head.head.weight");
        assertThat(m.mtp).hasSize(1);
        float[][] logits = m.logits(new int[] {5, 17, 200, 3});
        assertThat(logits).hasDimensions(4, 256);
        for (float[] row : logits) {
            for (float v : row) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
        // YaRN is active (8192 > 4096): the scale carries mscale²
        double mscale = 0.1 * Math.log(40) + 1;
        assertThat((double) m.config.softmaxScale()).isCloseTo(mscale * mscale / Math.sqrt(24),
                org.assertj.core.api.Assertions.within(1e-6));
        float[] decoded = m.decode(m.newDecodeState(3), new int[] {1, 2, 3}); // [3, V]
        for (float v : decoded) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void unsupportedLayoutsAreNamed() {
        assertThatThrownBy(() -> ConfigJson.read(CONFIG.replace("\"moe_layer_freq\": 1", "\"moe_layer_freq\": 2"), "c.json"))
                .hasMessageContaining("moe_layer_freq = 2");
        assertThatThrownBy(() -> ConfigJson.read(CONFIG.replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"), "c.json"))
                .hasMessageContaining("tie_word_embeddings");
        assertThatThrownBy(() -> ConfigJson.read(CONFIG.replace("\"topk_method\": \"noaux_tc\"", "\"topk_method\": \"greedy\""), "c.json"))
                .hasMessageContaining("topk_method = greedy");
    }
}
