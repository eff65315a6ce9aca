package dev.tinyseek.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigTest {

    @Test
    void presetsHaveTheShapesOfDesignMd() {
        ModelConfig t = ModelConfig.tiny();
        assertThat(t.hiddenSize()).isEqualTo(64);
        assertThat(t.numHiddenLayers()).isEqualTo(2);
        assertThat(t.qkHeadDim()).isEqualTo(24);
        assertThat(t.nRoutedExperts()).isEqualTo(8);
        ModelConfig s = ModelConfig.small();
        assertThat(s.hiddenSize()).isEqualTo(256);
        assertThat(s.vocabSize()).isEqualTo(512);
        assertThat(s.dense().attentionType()).isEqualTo("mha");
        assertThat(s.dense().isDenseLayer(3)).isTrue();
        assertThat(s.isDenseLayer(0)).isTrue();
        assertThat(s.isDenseLayer(1)).isFalse();
    }

    @Test
    void badValuesNameTheKeyAndWhatIsValid() {
        ModelConfig t = ModelConfig.tiny();
        assertThatThrownBy(() -> new ModelConfig(256, 64, 2, 4, 128, 256, 10000.0, 1e-6, 32, 16, 16, 8, 16,
                8, 1, 9, 2, 1, 2.5, 1, 32, "sigmoid", true, 0, 0.02, "mla", "moe", null))
                .hasMessageContaining("num_experts_per_tok = 9").hasMessageContaining("at most n_routed_experts = 8");
        assertThatThrownBy(() -> new ModelConfig(256, 64, 2, 4, 128, 256, 10000.0, 1e-6, 32, 16, 16, 8, 16,
                8, 1, 2, 3, 1, 2.5, 1, 32, "sigmoid", true, 0, 0.02, "mla", "moe", null))
                .hasMessageContaining("n_group = 3").hasMessageContaining("divisor");
        assertThatThrownBy(() -> new ModelConfig(256, 64, 2, 4, 128, 256, 10000.0, 1e-6, 32, 16, 16, 7, 16,
                8, 1, 2, 2, 1, 2.5, 1, 32, "sigmoid", true, 0, 0.02, "mla", "moe", null))
                .hasMessageContaining("qk_rope_head_dim = 7");
        assertThatThrownBy(() -> t.withTypes("gqa", "dense")).hasMessageContaining("attention_type = gqa");
        assertThatThrownBy(() -> ModelConfig.preset("huge")).hasMessageContaining("valid: tiny, small");
    }

    @Test
    void configJsonRoundTripsWithHuggingFaceKeys() {
        ModelConfig c = ModelConfig.small().dense();
        String text = ConfigJson.write(c);
        assertThat(text).contains("\"hidden_size\"", "\"kv_lora_rank\"", "\"n_routed_experts\"", "\"tinyseek\"");
        assertThat(ConfigJson.read(text, "config.json")).isEqualTo(c);
        assertThatThrownBy(() -> ConfigJson.read(text.replace("\"hidden_size\": 256", "\"hidden_size\": -1"), "x/config.json"))
                .hasMessageContaining("x/config.json").hasMessageContaining("hidden_size");
    }

    @Test
    void yarnRopeScalingRoundTripsAndSetsTheScale() {
        ModelConfig c = ModelConfig.tiny().withTypes("mla", "dense").withMaxPositionEmbeddings(8192)
                .withRopeScaling(new dev.tinyseek.attention.Yarn(40, 4096, 32, 1, 1, 1));
        String text = ConfigJson.write(c);
        assertThat(text).contains("\"type\": \"yarn\"").contains("\"original_max_position_embeddings\": 4096");
        assertThat(ConfigJson.read(text, "config.json")).isEqualTo(c);
        // active (8192 > 4096): scale = Dqk^-0.5 · mscale², mscale = 0.1·ln 40 + 1 (docs/mla.md#yarn)
        double mscale = 0.1 * Math.log(40) + 1;
        assertThat((double) c.softmaxScale()).isCloseTo(mscale * mscale / Math.sqrt(24), org.assertj.core.api.Assertions.within(1e-6));
        assertThat((double) c.withMaxPositionEmbeddings(4096).softmaxScale()).isCloseTo(1 / Math.sqrt(24), org.assertj.core.api.Assertions.within(1e-7));
        assertThatThrownBy(() -> ConfigJson.read(text.replace("\"yarn\"", "\"linear\""), "c.json"))
                .hasMessageContaining("rope_scaling.type = linear");
    }
}
