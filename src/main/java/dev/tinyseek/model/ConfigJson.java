package dev.tinyseek.model;

import dev.tinyseek.attention.Yarn;
import dev.tinyseek.io.Json;
import dev.tinyseek.io.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/// `config.json`: a [ModelConfig] in the Hugging Face DeepSeek-V3 layout, so the file reads like
/// the released one (`hidden_size`, `q_lora_rank`, `n_routed_experts`, ...). What HF has no key
/// for sits in one clearly named block, `"tinyseek": {"attention_type": ..., "ffn_type": ...}`.
public final class ConfigJson {

    private ConfigJson() {
    }

    /// The JSON text of a config.
    public static String write(ModelConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", java.util.List.of("DeepseekV3ForCausalLM"));
        m.put("model_type", "deepseek_v3");
        m.put("vocab_size", c.vocabSize());
        m.put("hidden_size", c.hiddenSize());
        m.put("intermediate_size", c.intermediateSize());
        m.put("moe_intermediate_size", c.moeIntermediateSize());
        m.put("num_hidden_layers", c.numHiddenLayers());
        m.put("num_attention_heads", c.numAttentionHeads());
        m.put("num_key_value_heads", c.numAttentionHeads());
        m.put("n_shared_experts", c.nSharedExperts());
        m.put("n_routed_experts", c.nRoutedExperts());
        m.put("routed_scaling_factor", c.routedScalingFactor());
        m.put("kv_lora_rank", c.kvLoraRank());
        m.put("q_lora_rank", c.qLoraRank() == 0 ? null : c.qLoraRank());
        m.put("qk_rope_head_dim", c.qkRopeHeadDim());
        m.put("v_head_dim", c.vHeadDim());
        m.put("qk_nope_head_dim", c.qkNopeHeadDim());
        m.put("topk_method", c.scoringFunc().equals("sigmoid") ? "noaux_tc" : "group_limited_greedy");
        m.put("n_group", c.nGroup());
        m.put("topk_group", c.topkGroup());
        m.put("num_experts_per_tok", c.numExpertsPerTok());
        m.put("first_k_dense_replace", c.firstKDenseReplace());
        m.put("norm_topk_prob", c.normTopkProb());
        m.put("scoring_func", c.scoringFunc());
        m.put("hidden_act", "silu");
        m.put("max_position_embeddings", c.maxPositionEmbeddings());
        m.put("initializer_range", c.initializerRange());
        m.put("rms_norm_eps", c.rmsNormEps());
        m.put("rope_theta", c.ropeTheta());
        Yarn y = c.ropeScaling();
        if (y == null) {
            m.put("rope_scaling", null);
        } else {
            Map<String, Object> rs = new LinkedHashMap<>();
            rs.put("type", "yarn");
            rs.put("factor", y.factor());
            rs.put("original_max_position_embeddings", y.originalMaxPositionEmbeddings());
            rs.put("beta_fast", y.betaFast());
            rs.put("beta_slow", y.betaSlow());
            rs.put("mscale", y.mscale());
            rs.put("mscale_all_dim", y.mscaleAllDim());
            m.put("rope_scaling", rs);
        }
        m.put("tie_word_embeddings", false);
        m.put("num_nextn_predict_layers", c.numNextnPredictLayers());
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("attention_type", c.attentionType());
        ours.put("ffn_type", c.ffnType());
        m.put("tinyseek", ours);
        return Json.write(m, true);
    }

    /// Reads a config; `where` names the file in error messages. Missing optional keys take the
    /// HF defaults; a wrong type or value names the key.
    public static ModelConfig read(String text, String where) {
        JsonObject j = JsonObject.parse(text, where);
        JsonObject ours = j.has("tinyseek") ? j.getObject("tinyseek") : null;
        Object q = j.get("q_lora_rank");
        int qRank = q == null ? 0 : j.getInt("q_lora_rank");
        if (j.has("moe_layer_freq") && j.getInt("moe_layer_freq") != 1) {
            throw new IllegalArgumentException(where + ": moe_layer_freq = " + j.get("moe_layer_freq")
                    + " is not supported; expected 1 (every layer after first_k_dense_replace is MoE, as in DeepSeek-V3)");
        }
        if (j.has("tie_word_embeddings") && j.getBoolean("tie_word_embeddings")) {
            throw new IllegalArgumentException(where + ": tie_word_embeddings = true is not supported; DeepSeek-V3 has a "
                    + "separate lm_head (expected false)");
        }
        // the router bias (e_score_correction_bias) comes with DeepSeek-V3's noaux_tc routing, which
        // this code ties to sigmoid scores (ModelConfig has no separate switch); check the two agree
        String topk = j.has("topk_method") ? j.getString("topk_method") : null;
        String scoring = j.optString("scoring_func", "sigmoid");
        if (topk != null && topk.equals("noaux_tc") != scoring.equals("sigmoid")) {
            throw new IllegalArgumentException(where + ": topk_method = " + topk + " with scoring_func = " + scoring
                    + " is not supported; expected noaux_tc with sigmoid (DeepSeek-V3) or greedy/group_limited_greedy with softmax (V2)");
        }
        Yarn yarn = null;
        JsonObject rs = j.optObject("rope_scaling");
        if (rs != null) {
            String type = rs.has("type") ? rs.getString("type") : rs.optString("rope_type", null);
            if (!"yarn".equals(type)) {
                throw new IllegalArgumentException(where + ": rope_scaling.type = " + type + " is not supported; expected \"yarn\" "
                        + "(or rope_scaling null for plain RoPE)");
            }
            try {
                double mscale = rs.optDouble("mscale", 1.0);
                yarn = new Yarn(rs.getDouble("factor"), rs.optInt("original_max_position_embeddings", 4096),
                        rs.optDouble("beta_fast", 32), rs.optDouble("beta_slow", 1), mscale,
                        rs.optDouble("mscale_all_dim", mscale));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": rope_scaling: " + e.getMessage(), e);
            }
        }
        try {
            return new ModelConfig(
                    j.getInt("vocab_size"), j.getInt("hidden_size"), j.getInt("num_hidden_layers"),
                    j.getInt("num_attention_heads"), j.optInt("intermediate_size", 0),
                    j.getInt("max_position_embeddings"), j.optDouble("rope_theta", 10000.0), j.optDouble("rms_norm_eps", 1e-6),
                    qRank, j.optInt("kv_lora_rank", 0), j.getInt("qk_nope_head_dim"), j.getInt("qk_rope_head_dim"),
                    j.getInt("v_head_dim"), j.optInt("n_routed_experts", 0), j.optInt("n_shared_experts", 0),
                    j.optInt("num_experts_per_tok", 0), j.optInt("n_group", 1), j.optInt("topk_group", 1),
                    j.optDouble("routed_scaling_factor", 1.0), j.optInt("first_k_dense_replace", 0),
                    j.optInt("moe_intermediate_size", 0), j.optString("scoring_func", "sigmoid"),
                    j.optBoolean("norm_topk_prob", true), j.optInt("num_nextn_predict_layers", 0),
                    j.optDouble("initializer_range", 0.02),
                    ours == null ? "mla" : ours.optString("attention_type", "mla"),
                    ours == null ? "moe" : ours.optString("ffn_type", "moe"), yarn);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
