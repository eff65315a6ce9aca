package dev.tinyseek.model;

import dev.tinyseek.attention.Attention;
import dev.tinyseek.attention.KvCache;
import dev.tinyseek.attention.MultiHeadAttention;
import dev.tinyseek.attention.MultiHeadLatentAttention;
import dev.tinyseek.moe.Gate;
import dev.tinyseek.moe.MoeLayer;
import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.EmbeddingLayer;
import dev.tinyseek.nn.FeedForward;
import dev.tinyseek.nn.Fp8Recipe;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.Precision;
import dev.tinyseek.nn.RmsNormLayer;
import dev.tinyseek.nn.SwiGluMlp;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// A decoder-only language model (DeepSeek-V3 `Transformer`; `docs/model.md#the-block`):
///
///     x      = Embedding(tokens)                       model.embed_tokens
///     x      = Block_i(x)  for i = 0 .. L-1            model.layers.i.*
///     logits = RMSNorm(x) W_headᵀ                      model.norm, lm_head (untied)
///
/// Every parameter carries its HF checkpoint name, so [#params()] is also the checkpoint's
/// table of contents.
public final class Transformer {

    public final ModelConfig config;
    public final EmbeddingLayer embed;
    public final List<Block> layers;
    public final RmsNormLayer norm;
    public final Linear lmHead;
    /// Multi-Token Prediction modules, depth 1..D (`num_nextn_predict_layers`; empty when 0).
    public final List<MtpModule> mtp;
    private final List<Param> params;
    private final List<Param> buffers;
    private MultiHeadLatentAttention.Form decodeForm = MultiHeadLatentAttention.Form.ABSORBED;

    /// What backward needs.
    public record Saved(int[] tokens,                  // [B·T]
                        List<Block.Saved> blocks,
                        RmsNormLayer.Saved finalNorm,
                        float[] logits,                // [B·T, V]
                        int b, int t) {
    }

    /// A model with freshly initialised weights: N(0, initializer_range²), norm gains 1.
    public Transformer(ModelConfig config, long seed) {
        MemoryNeed.check(config, "model config"); // before allocating anything
        this.config = config;
        Rng rng = new Rng(seed);
        int c = config.hiddenSize();
        double std = config.initializerRange();
        float eps = (float) config.rmsNormEps();
        this.embed = new EmbeddingLayer("model.embed_tokens", config.vocabSize(), c, rng, std);
        Rope rope = config.rope();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String prefix = "model.layers." + i;
            blocks.add(new Block(prefix, c, eps, attention(prefix + ".self_attn", rope, rng), ffn(i, prefix + ".mlp", rng)));
        }
        this.layers = Collections.unmodifiableList(blocks);
        this.norm = new RmsNormLayer("model.norm", c, eps);
        this.lmHead = new Linear("lm_head", c, config.vocabSize(), rng, std);
        List<MtpModule> modules = new ArrayList<>();
        for (int k = 1; k <= config.numNextnPredictLayers(); k++) {
            int layer = config.numHiddenLayers() + k - 1; // DeepSeek-V3 stores its MTP module as layer 61
            String prefix = "model.layers." + layer;
            Block blk = new Block(prefix, c, eps, attention(prefix + ".self_attn", rope, rng), ffn(layer, prefix + ".mlp", rng));
            modules.add(new MtpModule(prefix, k, c, eps, blk, rng, std));
        }
        this.mtp = Collections.unmodifiableList(modules);
        List<Param> p = new ArrayList<>();
        p.add(embed.weight);
        for (Block blk : layers) {
            p.addAll(blk.params());
        }
        p.add(norm.weight);
        p.add(lmHead.weight);
        for (MtpModule m : mtp) {
            p.addAll(m.params());
        }
        this.params = Collections.unmodifiableList(p);
        List<Param> buf = new ArrayList<>();
        for (Block blk : layers) {
            buf.addAll(blk.buffers());
        }
        for (MtpModule m : mtp) {
            buf.addAll(m.block.buffers());
        }
        this.buffers = Collections.unmodifiableList(buf);
    }

    private Attention attention(String prefix, Rope rope, Rng rng) {
        ModelConfig k = config;
        if (k.attentionType().equals("mha")) {
            return new MultiHeadAttention(prefix, k.hiddenSize(), k.numAttentionHeads(), k.qkHeadDim(), k.vHeadDim(),
                    k.qkRopeHeadDim(), rope, k.softmaxScale(), rng, k.initializerRange());
        }
        return MultiHeadLatentAttention.Config.defaults()
                .withHiddenSize(k.hiddenSize()).withHeads(k.numAttentionHeads())
                .withQLoraRank(k.qLoraRank()).withKvLoraRank(k.kvLoraRank())
                .withQkNopeHeadDim(k.qkNopeHeadDim()).withQkRopeHeadDim(k.qkRopeHeadDim()).withVHeadDim(k.vHeadDim())
                .withRope(rope).withSoftmaxScale(k.softmaxScale()).withRmsNormEps((float) k.rmsNormEps())
                .withForm(MultiHeadLatentAttention.Form.NAIVE).withInitStd(k.initializerRange())
                .build(prefix, rng);
    }

    private FeedForward ffn(int layer, String prefix, Rng rng) {
        ModelConfig k = config;
        if (k.isDenseLayer(layer)) {
            return new SwiGluMlp(prefix, k.hiddenSize(), k.intermediateSize(), rng, k.initializerRange());
        }
        return MoeLayer.Config.defaults()
                .withDim(k.hiddenSize()).withRoutedExperts(k.nRoutedExperts()).withSharedExperts(k.nSharedExperts())
                .withInner(k.moeIntermediateSize()).withTopK(k.numExpertsPerTok())
                .withGroups(k.nGroup()).withTopkGroups(k.topkGroup())
                .withScoring(Gate.Scoring.parse(k.scoringFunc())).withNormalize(k.normTopkProb())
                .withRouteScale(k.routedScalingFactor())
                .withBias(k.scoringFunc().equals("sigmoid")) // the bias of V3's noaux_tc routing
                .withInitStd(k.initializerRange())
                .build(prefix, rng);
    }

    /// The MLA form that decoding uses: `ABSORBED` (the default) caches `kv_lora_rank +
    /// qk_rope_head_dim` numbers per token per layer, `NAIVE` every head's keys and values. Both
    /// compute the same function from the same weights; training always runs the naive form.
    /// Affects decoding states made after the call. Returns this model.
    public Transformer decodeWith(MultiHeadLatentAttention.Form form) {
        if (form == null) {
            throw new IllegalArgumentException("decodeWith: form must be NAIVE or ABSORBED");
        }
        this.decodeForm = form;
        return this;
    }

    /// Every parameter, in checkpoint order.
    public List<Param> params() {
        return params;
    }

    /// Tensors saved with the model that the optimizer does not train: the MoE routers'
    /// `e_score_correction_bias` (moved by auxiliary-loss-free balancing instead).
    public List<Param> buffers() {
        return buffers;
    }

    /// Parameters and buffers by HF name: everything a checkpoint holds.
    public Map<String, Param> paramsByName() {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : params) {
            m.put(p.name, p);
        }
        for (Param p : buffers) {
            m.put(p.name, p);
        }
        return m;
    }

    /// The MoE layers, in order (empty for a dense model).
    public List<MoeLayer> moeLayers() {
        List<MoeLayer> out = new ArrayList<>();
        for (Block blk : layers) {
            if (blk.ffn instanceof MoeLayer m) {
                out.add(m);
            }
        }
        return out;
    }

    /// Parameters a token uses: all of them, less the routed experts it is not sent to
    /// (`n_routed_experts − num_experts_per_tok` experts in every MoE layer).
    public long activatedParameterCount() {
        long n = parameterCount();
        for (MoeLayer m : moeLayers()) {
            long perExpert = 0;
            for (Param p : m.experts.get(0).params()) {
                perExpert += p.size();
            }
            n -= perExpert * (m.gate.experts - m.gate.topK);
        }
        return n;
    }

    /// Sets the weight `α` of the sequence-wise balance loss in every MoE layer (0 = off).
    public void setBalanceLossAlpha(double alpha) {
        for (MoeLayer m : moeLayers()) {
            m.setBalanceLossAlpha(alpha);
        }
    }

    /// Every linear layer whose precision the FP8 recipe sets: the attention projections, the
    /// dense and expert MLPs, and the MTP modules' `eh_proj`. Not the embedding, the output head
    /// or the MoE routers: DeepSeek-V3 keeps those in higher precision (§3.3.1), as it does the
    /// norms and the attention arithmetic.
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>();
        for (Block blk : layers) {
            ls.addAll(blk.linears());
        }
        for (MtpModule m : mtp) {
            ls.addAll(m.linears());
        }
        return ls;
    }

    /// Sets the precision of every layer in [#linears()] (FP8 needs a recipe; FP32 ignores it).
    public void setPrecision(Precision p, Fp8Recipe recipe) {
        for (Linear l : linears()) {
            l.setPrecision(p, recipe);
        }
    }

    /// A summary for jshell: the shape from the config, and the parameter counts.
    ///
    ///     Transformer: 2 layers (1 dense), width 64, 4 heads, MLA (q rank 32, kv rank 16, head dims 16/8/16),
    ///     MoE (8 routed experts of inner 32 + 1 shared, top-2), vocabulary 256, context 256, no MTP;
    ///     139,168 parameters, 85,984 activated per token
    @Override
    public String toString() {
        ModelConfig k = config;
        int moe = moeLayers().size();
        StringBuilder sb = new StringBuilder("Transformer: ").append(k.numHiddenLayers()).append(" layers");
        if (moe > 0 && moe < layers.size()) {
            sb.append(" (").append(layers.size() - moe).append(" dense)");
        }
        sb.append(", width ").append(k.hiddenSize()).append(", ").append(k.numAttentionHeads()).append(" heads, ");
        if (k.attentionType().equals("mla")) {
            sb.append("MLA (q rank ").append(k.qLoraRank()).append(", kv rank ").append(k.kvLoraRank()).append(", head dims ")
                    .append(k.qkNopeHeadDim()).append('/').append(k.qkRopeHeadDim()).append('/').append(k.vHeadDim()).append(')');
        } else {
            sb.append("standard attention");
        }
        if (k.ffnType().equals("moe")) {
            sb.append(", MoE (").append(k.nRoutedExperts()).append(" routed experts of inner ").append(k.moeIntermediateSize())
                    .append(" + ").append(k.nSharedExperts()).append(" shared, top-").append(k.numExpertsPerTok()).append(')');
        } else {
            sb.append(", dense MLP (inner ").append(k.intermediateSize()).append(')');
        }
        sb.append(", vocabulary ").append(k.vocabSize()).append(", context ").append(k.maxPositionEmbeddings())
                .append(k.ropeScaling() != null ? " (YaRN)" : "");
        CostModel counts = new CostModel(k); // the counts of 'tinyseek inspect' and the demo
        sb.append(mtp.isEmpty() ? ", no MTP" : ", MTP depth " + mtp.size());
        sb.append(String.format("; %,d parameters, %,d activated per token", counts.totalParameters(), counts.activatedParameters()));
        if (!mtp.isEmpty()) {
            sb.append(String.format(", plus %,d in the MTP modules", counts.mtpParameters()));
        }
        return sb.toString();
    }

    /// Total number of trainable parameters (the router biases are buffers, not counted).
    public long parameterCount() {
        long n = 0;
        for (Param p : params) {
            n += p.size();
        }
        return n;
    }

    /// Training forward over `B` sequences of `T` tokens.
    public Saved forward(int[] tokens, // [B·T]
                         int b, int t) {
        checkTokens(tokens, b, t);
        int n = b * t;
        float[] x = embed.forward(tokens, n);
        List<Block.Saved> saved = new ArrayList<>(layers.size());
        for (Block blk : layers) {
            Block.Saved s = blk.forward(x, b, t);
            saved.add(s);
            x = s.out();
        }
        RmsNormLayer.Saved fn = norm.forward(x, n);
        float[] logits = lmHead.forward(fn.y(), n);
        return new Saved(tokens, saved, fn, logits, b, t);
    }

    /// The Multi-Token Prediction modules' forward passes, depth 1 to D, each reading the
    /// previous depth's hidden state (the main model's final-norm output for depth 1).
    public List<MtpModule.Saved> forwardMtp(Saved main) {
        List<MtpModule.Saved> out = new ArrayList<>();
        float[] h = main.finalNorm.y();
        for (MtpModule m : mtp) {
            MtpModule.Saved s = m.forward(h, main.tokens, embed, lmHead, main.b, main.t);
            out.add(s);
            h = s.hidden();
        }
        return out;
    }

    /// Backward from `dlogits` `[B·T, V]`: accumulates into every parameter's gradient.
    public void backward(Saved s, float[] dlogits) {
        backward(s, dlogits, List.of(), List.of());
    }

    /// Backward through the main model and the MTP modules (`dMtpLogits.get(k-1)`: depth k's
    /// logits gradient, already weighted by λ/D), deepest module first.
    public void backward(Saved s, float[] dlogits, List<MtpModule.Saved> mtpSaved, List<float[]> dMtpLogits) {
        int n = s.b * s.t;
        float[] dHidden = null;
        for (int k = mtpSaved.size() - 1; k >= 0; k--) {
            dHidden = mtp.get(k).backward(mtpSaved.get(k), dMtpLogits.get(k), dHidden, embed, lmHead);
        }
        float[] dFinal = lmHead.backward(dlogits, s.finalNorm.y(), n);
        if (dHidden != null) {
            for (int i = 0; i < dFinal.length; i++) {
                dFinal[i] += dHidden[i];
            }
        }
        float[] dx = norm.backward(s.finalNorm, dFinal);
        for (int i = layers.size() - 1; i >= 0; i--) {
            dx = layers.get(i).backward(s.blocks.get(i), dx);
        }
        embed.backward(s.tokens, dx, n);
    }

    /// Sets every gradient to zero.
    public void zeroGrad() {
        for (Param p : params) {
            p.zeroGrad();
        }
    }

    /// The logits of every position of one sequence, as `float[T][V]`.
    public float[][] logits(int[] tokens) {
        float[] flat = forward(tokens, 1, tokens.length).logits();
        int v = config.vocabSize();
        float[][] out = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * v, (i + 1) * v);
        }
        return out;
    }

    /// Loads a checkpoint directory (`config.json` + `model.safetensors`); see [Checkpoint#load].
    public static Transformer load(java.nio.file.Path dir) throws java.io.IOException {
        return Checkpoint.load(dir);
    }

    /// Saves this model as a checkpoint directory with F32 weights; see [Checkpoint#save].
    public void save(java.nio.file.Path dir) throws java.io.IOException {
        Checkpoint.save(this, dir, dev.tinyseek.io.Dtype.F32, Map.of());
    }

    /// The state of decoding one sequence: a cache per layer, and the weights in the layout that
    /// decoding reads ([DecodingWeights], made from the weights as they are while it decodes).
    /// After changing weights, decode with a new state.
    public final class DecodeState {
        final DecodingWeights weights;
        final List<Attention> attention = new ArrayList<>(); // per layer, in the decoding form
        final List<KvCache> caches = new ArrayList<>();
        final List<Attention> mtpAttention = new ArrayList<>(); // per MTP module
        final List<KvCache> mtpCaches = new ArrayList<>();

        DecodeState(int maxTokens, DecodingWeights weights) {
            this.weights = weights;
            for (Block blk : layers) {
                Attention a = decodingForm(blk.attention);
                attention.add(a);
                caches.add(a.newCache(maxTokens));
            }
            for (MtpModule m : mtp) {
                Attention a = decodingForm(m.block.attention);
                mtpAttention.add(a);
                mtpCaches.add(a.newCache(maxTokens));
            }
        }

        /// Tokens the first MTP module has seen (its cache's length).
        public int mtpLength() {
            return mtpCaches.isEmpty() ? 0 : mtpCaches.get(0).length();
        }

        /// Positions MTP depth `k` (1-based) has seen.
        public int mtpLength(int k) {
            return mtpCaches.get(checkDepth(k) - 1).length();
        }

        /// Makes MTP depth `k` forget every position after the first `n`.
        public void truncateMtp(int k, int n) {
            mtpCaches.get(checkDepth(k) - 1).truncate(n);
        }

        /// Tokens seen so far.
        public int length() {
            return caches.get(0).length();
        }

        /// Forgets every token after the first `n`.
        public void truncate(int n) {
            for (KvCache c : caches) {
                c.truncate(n);
            }
        }

        /// Numbers cached per token over all layers.
        public long floatsPerToken() {
            long f = 0;
            for (KvCache c : caches) {
                f += c.floatsPerToken();
            }
            return f;
        }
    }

    /// An empty decoding state for at most `maxTokens` tokens (at most `max_position_embeddings`).
    public DecodeState newDecodeState(int maxTokens) {
        return newDecodeState(maxTokens, new DecodingWeights());
    }

    /// [#newDecodeState(int)] with the given weight layouts: [DecodingWeights#asStored()] reads
    /// every weight as stored (the control); states decoding while the weights stay unchanged may
    /// share one [DecodingWeights].
    public DecodeState newDecodeState(int maxTokens, DecodingWeights weights) {
        if (weights == null) {
            throw new IllegalArgumentException("decode: weights must be new DecodingWeights() or DecodingWeights.asStored(), not null");
        }
        if (maxTokens <= 0 || maxTokens > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("decode: maxTokens = " + maxTokens + " must be in [1, max_position_embeddings = "
                    + config.maxPositionEmbeddings() + "]");
        }
        return new DecodeState(maxTokens, weights);
    }

    /// Feeds `tokens` (one or more) into the state and returns their logits `[T, V]`.
    public float[] decode(DecodeState state, int[] tokens) {
        return decodeStep(state, tokens).logits();
    }

    /// Logits and final hidden states (after the final norm: what MTP depth 1 reads) of decoded tokens.
    public record Decoded(float[] logits, // [T, V]
                          float[] hidden) { // [T, C]
    }

    /// [#decode], also returning the final hidden states.
    public Decoded decodeStep(DecodeState state, int[] tokens) {
        int t = tokens.length;
        if (t == 0) {
            throw new IllegalArgumentException("decode: no tokens given");
        }
        return decodeLayers(state, tokens, t);
    }

    private Decoded decodeLayers(DecodeState state, int[] tokens, int t) {
        float[] x = embed.forward(tokens, t);
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).decode(x, t, state.attention.get(i), state.caches.get(i), state.weights);
        }
        float[] h = norm.forward(x, t).y();
        return new Decoded(lmHead.forward(h, t, state.weights), h);
    }

    /// MTP depth 1 with its cache: for each of `T` positions, the main model's hidden state there
    /// and the token after it, in; the module's logits (a draft of the token after that) out.
    public float[] decodeMtp(DecodeState state, float[] hidden, // [T, C]
                             int[] nextTokens) {                 // [T]
        if (mtp.isEmpty()) {
            throw new IllegalStateException("decodeMtp: this model has no MTP module (num_nextn_predict_layers = 0)");
        }
        return decodeMtp(state, 1, hidden, nextTokens).logits();
    }

    /// MTP depth `k` with its cache: for each of `T` positions `i`, the hidden state `h^{k-1}_i`
    /// of depth `k - 1` (the main model's for `k = 1`) and the token `x_{i+k}`, in; the module's
    /// logits (drafts of `x_{i+k+1}`) and its hidden states `h^k_i` out (eq. 21-23).
    public Decoded decodeMtp(DecodeState state, int k, float[] hidden, // [T, C]
                             int[] aheadTokens) {                      // [T]
        return decodeMtp(state, k, hidden, aheadTokens, false);
    }

    /// [#decodeMtp(DecodeState, int, float[], int[])] with the logits of the last position only
    /// (`[1, V]`): what drafting needs, without the output head on the other positions.
    public Decoded draftMtp(DecodeState state, int k, float[] hidden, // [T, C]
                            int[] aheadTokens) {                      // [T]
        return decodeMtp(state, k, hidden, aheadTokens, true);
    }

    private Decoded decodeMtp(DecodeState state, int k, float[] hidden, int[] aheadTokens, boolean lastOnly) {
        checkDepth(k);
        int t = aheadTokens.length;
        if (t == 0 || hidden.length != t * config.hiddenSize()) {
            throw new IllegalArgumentException("decodeMtp: " + t + " tokens need hidden [" + t + ", " + config.hiddenSize()
                    + "], got " + hidden.length + " numbers");
        }
        return mtp.get(k - 1).decode(hidden, aheadTokens, t, embed, lmHead,
                state.mtpAttention.get(k - 1), state.mtpCaches.get(k - 1), state.weights, lastOnly);
    }

    private int checkDepth(int k) {
        if (k < 1 || k > mtp.size()) {
            throw new IllegalArgumentException("MTP depth " + k + " does not exist; this model has "
                    + mtp.size() + " module(s) (num_nextn_predict_layers)");
        }
        return k;
    }

    private Attention decodingForm(Attention a) {
        return a instanceof MultiHeadLatentAttention mla ? mla.withForm(decodeForm) : a;
    }

    private void checkTokens(int[] tokens, int b, int t) {
        if (b <= 0 || t <= 0 || tokens.length != b * t) {
            throw new IllegalArgumentException("forward: " + tokens.length + " tokens do not make B = " + b + " sequences of T = " + t);
        }
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("forward: T = " + t + " is longer than max_position_embeddings = "
                    + config.maxPositionEmbeddings());
        }
    }
}
