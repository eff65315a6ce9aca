package dev.tinyseek.model;

import dev.tinyseek.attention.Yarn;
import dev.tinyseek.tensor.Rope;

/// A model's shape, with the Hugging Face DeepSeek-V3 `config.json` keys (in snake_case in the
/// file, camelCase here), plus two keys of our own for what HF has no key for:
/// `attention_type` (`mla` for DeepSeek's latent attention, `mha` for the standard baseline)
/// and `ffn_type` (`moe`, or `dense` for a dense MLP in every layer).
///
/// Two presets ship (`docs/model.md#presets`): [#tiny()] for tests and the classroom, [#small()] for
/// benchmarks; [#dense()] turns either into the dense baseline of the same widths.
public record ModelConfig(
        int vocabSize,             // vocab_size: V
        int hiddenSize,            // hidden_size: C
        int numHiddenLayers,       // num_hidden_layers (MTP modules not counted)
        int numAttentionHeads,     // num_attention_heads: H
        int intermediateSize,      // intermediate_size: F of the dense MLP layers
        int maxPositionEmbeddings, // max_position_embeddings: longest context
        double ropeTheta,          // rope_theta
        double rmsNormEps,         // rms_norm_eps
        int qLoraRank,             // q_lora_rank: 0 means no query compression
        int kvLoraRank,            // kv_lora_rank: R of the KV latent
        int qkNopeHeadDim,         // qk_nope_head_dim
        int qkRopeHeadDim,         // qk_rope_head_dim: Dr
        int vHeadDim,              // v_head_dim: Dv
        int nRoutedExperts,        // n_routed_experts: E
        int nSharedExperts,        // n_shared_experts
        int numExpertsPerTok,      // num_experts_per_tok: K
        int nGroup,                // n_group
        int topkGroup,             // topk_group
        double routedScalingFactor,// routed_scaling_factor
        int firstKDenseReplace,    // first_k_dense_replace
        int moeIntermediateSize,   // moe_intermediate_size
        String scoringFunc,        // scoring_func: sigmoid | softmax
        boolean normTopkProb,      // norm_topk_prob
        int numNextnPredictLayers, // num_nextn_predict_layers: MTP depth D
        double initializerRange,   // initializer_range: std of the initial weights
        String attentionType,      // ours: mla | mha
        String ffnType,            // ours: moe | dense
        Yarn ropeScaling) {        // rope_scaling of type "yarn", or null for plain RoPE

    /// Checks every field, naming the key, its value and what would be valid.
    public ModelConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("qk_rope_head_dim", qkRopeHeadDim);
        positive("v_head_dim", vHeadDim);
        nonNegative("qk_nope_head_dim", qkNopeHeadDim);
        nonNegative("q_lora_rank", qLoraRank);
        nonNegative("num_nextn_predict_layers", numNextnPredictLayers);
        if (qkRopeHeadDim % 2 != 0) {
            throw bad("qk_rope_head_dim", qkRopeHeadDim, "an even number (RoPE rotates pairs)");
        }
        if (!(ropeTheta > 1)) {
            throw bad("rope_theta", ropeTheta, "a number above 1 (DeepSeek-V3 uses 10000)");
        }
        if (!(rmsNormEps > 0 && rmsNormEps < 1)) {
            throw bad("rms_norm_eps", rmsNormEps, "a small positive number such as 1e-6");
        }
        if (!(initializerRange > 0 && initializerRange < 1)) {
            throw bad("initializer_range", initializerRange, "a small positive number such as 0.02");
        }
        if (!attentionType.equals("mla") && !attentionType.equals("mha")) {
            throw bad("attention_type", attentionType, "\"mla\" or \"mha\"");
        }
        if (!ffnType.equals("moe") && !ffnType.equals("dense")) {
            throw bad("ffn_type", ffnType, "\"moe\" or \"dense\"");
        }
        if (attentionType.equals("mla")) {
            positive("kv_lora_rank", kvLoraRank);
        }
        if (ffnType.equals("dense") || firstKDenseReplace > 0) {
            positive("intermediate_size", intermediateSize);
        }
        if (ffnType.equals("moe")) {
            positive("n_routed_experts", nRoutedExperts);
            nonNegative("n_shared_experts", nSharedExperts);
            positive("moe_intermediate_size", moeIntermediateSize);
            positive("num_experts_per_tok", numExpertsPerTok);
            positive("n_group", nGroup);
            positive("topk_group", topkGroup);
            if (numExpertsPerTok > nRoutedExperts) {
                throw bad("num_experts_per_tok", numExpertsPerTok, "at most n_routed_experts = " + nRoutedExperts);
            }
            if (nRoutedExperts % nGroup != 0) {
                throw bad("n_group", nGroup, "a divisor of n_routed_experts = " + nRoutedExperts);
            }
            if (topkGroup > nGroup) {
                throw bad("topk_group", topkGroup, "at most n_group = " + nGroup);
            }
            if (numExpertsPerTok > topkGroup * (nRoutedExperts / nGroup)) {
                throw bad("num_experts_per_tok", numExpertsPerTok, "at most topk_group × experts per group = "
                        + topkGroup * (nRoutedExperts / nGroup));
            }
            if (!scoringFunc.equals("sigmoid") && !scoringFunc.equals("softmax")) {
                throw bad("scoring_func", scoringFunc, "\"sigmoid\" or \"softmax\"");
            }
            if (!(routedScalingFactor > 0)) {
                throw bad("routed_scaling_factor", routedScalingFactor, "a positive number (DeepSeek-V3 uses 2.5)");
            }
            if (firstKDenseReplace < 0 || firstKDenseReplace > numHiddenLayers) {
                throw bad("first_k_dense_replace", firstKDenseReplace, "between 0 and num_hidden_layers = " + numHiddenLayers);
            }
        }
    }

    /// The `tiny` preset (`docs/model.md#presets`; DeepSeek-V3 shape): width 64, 2 layers (1 dense), 4 heads,
    /// q rank 32, kv rank 16, head dims 16/8/16, dense inner 128, 8 routed experts of inner 32,
    /// 1 shared, top-2 of 2 groups keeping 1, sigmoid, routed scale 2.5, vocabulary 256.
    public static ModelConfig tiny() {
        return new ModelConfig(256, 64, 2, 4, 128, 256, 10000.0, 1e-6,
                32, 16, 16, 8, 16,
                8, 1, 2, 2, 1, 2.5, 1, 32, "sigmoid", true,
                0, 0.02, "mla", "moe", null);
    }

    /// The `small` benchmark preset (`docs/model.md#presets`; DeepSeek-V3 shape): width 256, 4 layers
    /// (1 dense), 8 heads, q rank 128, kv rank 128, head dims 32/16/32, dense inner 768, 16 routed
    /// experts of inner 128, 1 shared, top-2 of 4 groups keeping 2, vocabulary 512, context 256.
    public static ModelConfig small() {
        return new ModelConfig(512, 256, 4, 8, 768, 256, 10000.0, 1e-6,
                128, 128, 32, 16, 32,
                16, 1, 2, 4, 2, 2.5, 1, 128, "sigmoid", true,
                0, 0.02, "mla", "moe", null);
    }

    /// DeepSeek-V3's published shape (the hub `config.json` of the 671B model; `docs/model.md#configuration`): for
    /// computing its cost and memory, not for building (671 billion parameters do not fit in a
    /// Java array).
    public static ModelConfig deepseekV3() {
        return new ModelConfig(129280, 7168, 61, 128, 18432, 163840, 10000.0, 1e-6,
                1536, 512, 128, 64, 128,
                256, 1, 8, 8, 4, 2.5, 3, 2048, "sigmoid", true,
                1, 0.02, "mla", "moe", Yarn.DEEPSEEK_V3);
    }

    /// A preset by name: `tiny` or `small`.
    public static ModelConfig preset(String name) {
        return switch (name) {
            case "tiny" -> tiny();
            case "small" -> small();
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; valid: tiny, small");
        };
    }

    /// The dense baseline of the same widths: standard multi-head attention and a dense MLP in
    /// every layer.
    public ModelConfig dense() {
        return withTypes("mha", "dense");
    }

    public ModelConfig withTypes(String attention, String ffn) {
        return copy(numHiddenLayers, maxPositionEmbeddings, numNextnPredictLayers, attention, ffn, ropeScaling);
    }

    public ModelConfig withMaxPositionEmbeddings(int n) {
        return copy(numHiddenLayers, n, numNextnPredictLayers, attentionType, ffnType, ropeScaling);
    }

    /// Query/key head dimension `Dqk = qk_nope_head_dim + qk_rope_head_dim`.
    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }

    /// The softmax scale `Dqk^-0.5`, times YaRN's `mscale²` when YaRN is active (`docs/mla.md#yarn`).
    public float softmaxScale() {
        return ropeScaling == null ? (float) (1.0 / Math.sqrt(qkHeadDim()))
                : (float) ropeScaling.softmaxScale(qkHeadDim(), maxPositionEmbeddings);
    }

    /// The RoPE table of the decoupled RoPE dims: YaRN-corrected when YaRN is active
    /// (official rule: `max_position_embeddings` above its original context), plain otherwise.
    public Rope rope() {
        return ropeScaling == null ? Rope.plain(qkRopeHeadDim, ropeTheta, maxPositionEmbeddings)
                : ropeScaling.rope(qkRopeHeadDim, ropeTheta, maxPositionEmbeddings);
    }

    /// The same model with `d` Multi-Token Prediction modules (`num_nextn_predict_layers`).
    public ModelConfig withMtpDepth(int d) {
        return copy(numHiddenLayers, maxPositionEmbeddings, d, attentionType, ffnType, ropeScaling);
    }

    /// The same model with `n` main layers (`num_hidden_layers`; the first `first_k_dense_replace`
    /// of them, at most `n`, stay dense).
    public ModelConfig withNumHiddenLayers(int n) {
        positive("num_hidden_layers", n);
        return copy(n, maxPositionEmbeddings, numNextnPredictLayers, attentionType, ffnType, ropeScaling);
    }

    /// The same model with a vocabulary of `v` tokens (`vocab_size`), e.g. bytes plus special tokens.
    public ModelConfig withVocabSize(int v) {
        positive("vocab_size", v);
        return new ModelConfig(v, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, ropeTheta, rmsNormEps, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim,
                vHeadDim, nRoutedExperts, nSharedExperts, numExpertsPerTok, nGroup, topkGroup, routedScalingFactor,
                firstKDenseReplace, moeIntermediateSize, scoringFunc, normTopkProb, numNextnPredictLayers,
                initializerRange, attentionType, ffnType, ropeScaling);
    }

    public ModelConfig withRopeScaling(Yarn yarn) {
        return copy(numHiddenLayers, maxPositionEmbeddings, numNextnPredictLayers, attentionType, ffnType, yarn);
    }

    /// This config with the fields the `with...` methods change replaced (checked again).
    /// (`first_k_dense_replace` is kept, but never above the layer count.)
    private ModelConfig copy(int layers, int maxPos, int mtpDepth, String attention, String ffn, Yarn yarn) {
        return new ModelConfig(vocabSize, hiddenSize, layers, numAttentionHeads, intermediateSize,
                maxPos, ropeTheta, rmsNormEps, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim,
                vHeadDim, nRoutedExperts, nSharedExperts, numExpertsPerTok, nGroup, topkGroup, routedScalingFactor,
                Math.min(firstKDenseReplace, layers), moeIntermediateSize, scoringFunc, normTopkProb, mtpDepth,
                initializerRange, attention, ffn, yarn);
    }

    /// Whether layer `i` uses the dense MLP (all layers of a dense model; the first
    /// `first_k_dense_replace` of a MoE model).
    public boolean isDenseLayer(int i) {
        return ffnType.equals("dense") || i < firstKDenseReplace;
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw bad(key, v, "a positive integer");
        }
    }

    private static void nonNegative(String key, long v) {
        if (v < 0) {
            throw bad(key, v, "an integer >= 0");
        }
    }

    private static IllegalArgumentException bad(String key, Object value, String valid) {
        return new IllegalArgumentException("config: " + key + " = " + value + " is not valid; expected " + valid);
    }
}
