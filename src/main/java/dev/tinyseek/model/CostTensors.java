package dev.tinyseek.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/// The weight tensors of a model, counted from its config alone: every group of identical
/// tensors (`model.layers.N.mlp.experts.E.up_proj.weight` for all N and E is one group) with its
/// shape, how many there are, how many numbers a token reads, and how the released checkpoint
/// stores it. [CostModel] derives parameter counts, matmul FLOPs and weight bytes from this list.
///
/// Shapes are `[out, in]` with the HF names of `docs/model.md#parameter-names` (a vector has `in = 1`):
///
/// | part | tensors (one layer) |
/// |---|---|
/// | embedding | `embed_tokens [V, C]`; a token reads one row, `C` numbers |
/// | attention, MLA | `q_a_proj [Rq, C]`, `q_a_layernorm [Rq]`, `q_b_proj [H·Dqk, Rq]` (or `q_proj [H·Dqk, C]` when `q_lora_rank` = 0), `kv_a_proj_with_mqa [R+Dr, C]`, `kv_a_layernorm [R]`, `kv_b_proj [H·(Dn+Dv), R]`, `o_proj [C, H·Dv]` |
/// | attention, MHA | `q_proj`, `k_proj [H·Dqk, C]`, `v_proj [H·Dv, C]`, `o_proj [C, H·Dv]` |
/// | dense MLP | `gate_proj`, `up_proj [F, C]`, `down_proj [C, F]` |
/// | shared experts | the same with `F = n_shared_experts · moe_intermediate_size` (fused into one MLP) |
/// | routed experts | `E` MLPs of `F = moe_intermediate_size`; a token runs `K` of them |
/// | router | `gate.weight [E, C]`; the buffer `e_score_correction_bias [E]` (sigmoid/noaux_tc routing only) |
/// | norms | `input_layernorm`, `post_attention_layernorm [C]` per layer, `model.norm [C]` |
/// | output head | `lm_head [V, C]` (untied) |
/// | MTP module k | `enorm`, `hnorm [C]`, `eh_proj [C, 2C]`, one block (attention + the FFN of a layer ≥ `first_k_dense_replace`), `shared_head.norm [C]`; the embedding and `shared_head.head` are the main model's (`docs/mtp.md#shapes`) |
///
/// The latent norms `q_a_layernorm` and `kv_a_layernorm` are counted with attention (they sit
/// inside it), not with "norms". The router bias is a buffer: stored, never trained, and not a
/// parameter ([Transformer#parameterCount()] leaves it out too).
///
/// Storage (`docs/fp8.md#checkpoint-storage`): every attention, MLP and expert projection is FP8 E4M3 with one
/// fp32 scale per 128×128 block; the embedding, output head, router weight, norms and `eh_proj`
/// stay BF16; the router bias is fp32.
public final class CostTensors {

    /// Where a tensor belongs in the breakdown.
    public enum Part {
        EMBEDDING("embedding"), ATTENTION("attention"), DENSE_MLP("dense MLPs"), SHARED_EXPERTS("shared experts"),
        ROUTED_EXPERTS("routed experts"), ROUTER("router (gate)"), NORMS("norms"), OUTPUT_HEAD("output head"),
        MTP("MTP modules");

        public final String label;

        Part(String label) {
            this.label = label;
        }

        /// The JSON key: `routed_experts`, `output_head`, ...
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /// How the released checkpoint stores a tensor.
    public enum Storage {
        /// 1 byte a weight, plus one fp32 scale per 128×128 block (docs/fp8.md#checkpoint-storage)
        FP8_BLOCKS,
        /// 2 bytes a number in the FP8 checkpoint (embedding, head, router weight, norms, eh_proj)
        BF16,
        /// 4 bytes in every form (the router bias, kept in fp32 so that γ = 0.001 steps register; docs/moe.md#auxiliary-loss-free-balancing)
        FP32
    }

    /// `count` tensors of shape `[rows, cols]`, of which a token reads `activatedNumbers`
    /// numbers in all; `matmul` when a token multiplies by it (2 FLOPs a weight), `buffer` when it
    /// is stored but not trained.
    public record Group(Part part, String name, long rows, long cols, long count, long activatedNumbers,
                        Storage storage, boolean matmul, boolean buffer) {

        /// Numbers in all the tensors of the group.
        public long numbers() {
            return rows * cols * count;
        }

        /// One fp32 scale per 128×128 block, partial blocks counted whole: `⌈rows/128⌉·⌈cols/128⌉` a tensor.
        public long fp8Scales() {
            return storage == Storage.FP8_BLOCKS ? ceilDiv(rows, 128) * ceilDiv(cols, 128) * count : 0;
        }
    }

    private CostTensors() {
    }

    /// Every tensor group of the main model (no MTP), in checkpoint order.
    public static List<Group> mainModel(ModelConfig c) {
        List<Group> g = new ArrayList<>();
        long v = c.vocabSize(), dim = c.hiddenSize(), layers = c.numHiddenLayers();
        // the layers ModelConfig#isDenseLayer calls dense: all of a dense model, else the first first_k_dense_replace
        long denseLayers = c.isDenseLayer((int) Math.min(layers, Integer.MAX_VALUE) - 1) ? layers
                : Math.min(layers, c.firstKDenseReplace());
        long moeLayers = layers - denseLayers;
        g.add(new Group(Part.EMBEDDING, "embed_tokens", v, dim, 1, dim, Storage.BF16, false, false));
        g.add(new Group(Part.NORMS, "input_layernorm, post_attention_layernorm", dim, 1, 2 * layers, 2 * layers * dim,
                Storage.BF16, false, false));
        attention(g, c, Part.ATTENTION, layers);
        mlp(g, Part.DENSE_MLP, "mlp", dim, c.intermediateSize(), denseLayers, denseLayers);
        moe(g, c, Part.ROUTED_EXPERTS, Part.SHARED_EXPERTS, Part.ROUTER, moeLayers);
        g.add(new Group(Part.NORMS, "norm", dim, 1, 1, dim, Storage.BF16, false, false));
        g.add(new Group(Part.OUTPUT_HEAD, "lm_head", v, dim, 1, v * dim, Storage.BF16, true, false));
        return Collections.unmodifiableList(g);
    }

    /// The unique tensors of the `num_nextn_predict_layers` MTP modules (without the embedding
    /// and output head they share with the main model).
    public static List<Group> mtpModules(ModelConfig c) {
        List<Group> g = new ArrayList<>();
        long d = c.numNextnPredictLayers(), dim = c.hiddenSize();
        if (d == 0) {
            return List.of();
        }
        g.add(new Group(Part.MTP, "enorm, hnorm", dim, 1, 2 * d, 2 * d * dim, Storage.BF16, false, false));
        g.add(new Group(Part.MTP, "eh_proj", dim, 2 * dim, d, d * 2 * dim * dim, Storage.BF16, true, false));
        g.add(new Group(Part.MTP, "input_layernorm, post_attention_layernorm", dim, 1, 2 * d, 2 * d * dim,
                Storage.BF16, false, false));
        attention(g, c, Part.MTP, d);
        // the module's block is built like a layer past first_k_dense_replace: MoE unless the model is dense
        if (c.ffnType().equals("moe")) {
            moe(g, c, Part.MTP, Part.MTP, Part.MTP, d);
        } else {
            mlp(g, Part.MTP, "mlp", dim, c.intermediateSize(), d, d);
        }
        g.add(new Group(Part.MTP, "shared_head.norm", dim, 1, d, d * dim, Storage.BF16, false, false));
        return Collections.unmodifiableList(g);
    }

    private static void attention(List<Group> g, ModelConfig c, Part part, long layers) {
        long dim = c.hiddenSize(), h = c.numAttentionHeads(), dqk = c.qkHeadDim(), dv = c.vHeadDim();
        if (c.attentionType().equals("mha")) {
            matrix(g, part, "q_proj, k_proj", h * dqk, dim, 2 * layers);
            matrix(g, part, "v_proj", h * dv, dim, layers);
            matrix(g, part, "o_proj", dim, h * dv, layers);
            return;
        }
        long rq = c.qLoraRank(), r = c.kvLoraRank(), dr = c.qkRopeHeadDim(), dn = c.qkNopeHeadDim();
        if (rq > 0) {
            matrix(g, part, "q_a_proj", rq, dim, layers);
            g.add(new Group(part, "q_a_layernorm", rq, 1, layers, layers * rq, Storage.BF16, false, false));
            matrix(g, part, "q_b_proj", h * dqk, rq, layers);
        } else {
            matrix(g, part, "q_proj", h * dqk, dim, layers);
        }
        matrix(g, part, "kv_a_proj_with_mqa", r + dr, dim, layers);
        g.add(new Group(part, "kv_a_layernorm", r, 1, layers, layers * r, Storage.BF16, false, false));
        matrix(g, part, "kv_b_proj", h * (dn + dv), r, layers);
        matrix(g, part, "o_proj", dim, h * dv, layers);
    }

    /// A SwiGLU MLP of inner width `f`: `gate_proj`, `up_proj [f, C]`, `down_proj [C, f]`, in
    /// `count` copies of which a token runs `active`.
    private static void mlp(List<Group> g, Part part, String name, long dim, long f, long count, long active) {
        if (count == 0) {
            return;
        }
        g.add(new Group(part, name + ".gate_proj, up_proj", f, dim, 2 * count, 2 * active * f * dim,
                Storage.FP8_BLOCKS, true, false));
        g.add(new Group(part, name + ".down_proj", dim, f, count, active * f * dim, Storage.FP8_BLOCKS, true, false));
    }

    private static void moe(List<Group> g, ModelConfig c, Part routed, Part shared, Part router, long layers) {
        if (layers == 0) {
            return;
        }
        long dim = c.hiddenSize(), e = c.nRoutedExperts(), k = c.numExpertsPerTok(), fm = c.moeIntermediateSize();
        g.add(new Group(router, "mlp.gate", e, dim, layers, layers * e * dim, Storage.BF16, true, false));
        if (c.scoringFunc().equals("sigmoid")) { // noaux_tc routing: the selection bias (a buffer)
            g.add(new Group(router, "mlp.gate.e_score_correction_bias", e, 1, layers, layers * e, Storage.FP32, false, true));
        }
        mlp(g, routed, "mlp.experts", dim, fm, layers * e, layers * k);
        mlp(g, shared, "mlp.shared_experts", dim, (long) c.nSharedExperts() * fm, c.nSharedExperts() > 0 ? layers : 0,
                layers);
    }

    private static void matrix(List<Group> g, Part part, String name, long rows, long cols, long count) {
        g.add(new Group(part, "self_attn." + name, rows, cols, count, rows * cols * count, Storage.FP8_BLOCKS, true, false));
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
