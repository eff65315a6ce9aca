package dev.tinyseek.model;

import dev.tinyseek.backend.Parallel;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.CrossEntropy;
import dev.tinyseek.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/// The dense transformer as a whole: its gradient, its cache, its determinism.
class TransformerTest {

    /// A tiny dense model whose norm gains are perturbed away from 1, so their gradients matter.
    static Transformer model(long seed) {
        return model(ModelConfig.tiny().dense(), seed);
    }

    /// The same for any config.
    static Transformer model(ModelConfig cfg, long seed) {
        Transformer m = new Transformer(cfg, seed);
        Rng r = new Rng(seed + 100);
        for (Param p : m.params()) {
            if (!p.decay) {
                for (int i = 0; i < p.data.length; i++) {
                    p.data[i] = 1f + 0.3f * (float) r.nextGaussian();
                }
            }
        }
        return m;
    }

    /// A fingerprint of every MoE layer's expert choices (0 for a dense model).
    static int routing(Transformer m, int[] tok, int b, int t) {
        int h = 0;
        for (Block.Saved bs : m.forward(tok, b, t).blocks()) {
            if (bs.ffn() instanceof dev.tinyseek.moe.MoeLayer.Saved ms) {
                h = 31 * h + Arrays.hashCode(ms.routing().experts());
            }
        }
        return h;
    }

    /// Cross-entropy plus the MoE layers' balance losses (0 unless switched on).
    static double loss(Transformer m, int[] tok, int[] tgt, int b, int t) {
        Transformer.Saved s = m.forward(tok, b, t);
        double l = CrossEntropy.forward(s.logits(), tgt, CrossEntropy.IGNORE, b * t, m.config.vocabSize()).loss();
        for (Block.Saved bs : s.blocks()) {
            if (bs.ffn() instanceof dev.tinyseek.moe.MoeLayer.Saved ms) {
                l += ms.balanceLoss();
            }
        }
        return l;
    }

    /// Whole-model gradient check: for sampled entries of every parameter, the backward gradient
    /// against a central finite difference of the loss. The forward runs in float, so the step is
    /// large (1e-2) and the tolerance loose (5% relative, on entries whose gradient is not tiny);
    /// a missing term or a wrong sign in any backward is far outside it.
    @Test
    void backwardMatchesFiniteDifferencesForEveryParameter() {
        checkGradients(model(3));
    }

    /// The same with Multi-head Latent Attention (and a dense MLP).
    @Test
    void mlaModelBackwardMatchesFiniteDifferences() {
        checkGradients(model(ModelConfig.tiny().withTypes("mla", "dense"), 13));
    }

    /// The full DeepSeek-V3 shape (MLA + MoE, one dense layer first), with the balance loss on
    /// (its value is part of the objective checked here).
    @Test
    void deepseekModelBackwardMatchesFiniteDifferences() {
        Transformer m = model(ModelConfig.tiny(), 17);
        m.setBalanceLossAlpha(0.3);
        checkGradients(m);
    }

    static void checkGradients(Transformer m) {
        int b = 2, t = 6, v = m.config.vocabSize();
        Rng r = new Rng(5);
        int[] tok = new int[b * t], tgt = new int[b * t];
        for (int i = 0; i < b * t; i++) {
            tok[i] = r.nextInt(v);
            tgt[i] = r.nextInt(v);
        }
        tgt[4] = CrossEntropy.IGNORE;
        Transformer.Saved s = m.forward(tok, b, t);
        m.zeroGrad();
        float[] dl = new float[b * t * v];
        CrossEntropy.backward(dl, s.logits(), tgt, CrossEntropy.IGNORE, b * t, v, 1f);
        m.backward(s, dl);
        int route = routing(m, tok, b, t);
        for (Param p : m.params()) {
            // the largest-gradient entries are the informative ones; check those plus random ones
            Integer[] order = new Integer[p.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Float.compare(Math.abs(p.grad[y]), Math.abs(p.grad[x])));
            int[] picks = {order[0], order[1], order[2], r.nextInt(p.size()), r.nextInt(p.size())};
            for (int i : picks) {
                float orig = p.data[i];
                float h = 1e-2f;
                p.data[i] = orig + h;
                double lp = loss(m, tok, tgt, b, t);
                int routeP = routing(m, tok, b, t);
                p.data[i] = orig - h;
                double lm = loss(m, tok, tgt, b, t);
                int routeM = routing(m, tok, b, t);
                p.data[i] = orig;
                if (routeP != route || routeM != route) {
                    continue; // the nudge changed an expert choice: a step, not a slope
                }
                double fd = (lp - lm) / (2 * h);
                double an = p.grad[i];
                double scale = Math.max(Math.abs(fd), Math.abs(an));
                if (scale < 1e-4) {
                    continue; // both essentially zero: the float noise of the difference dominates
                }
                assertThat(Math.abs(fd - an) / scale)
                        .as("%s[%d]: backward %.6g vs finite difference %.6g", p.name, i, an, fd)
                        .isLessThan(0.05);
            }
        }
    }

    /// Decoding with the KV cache, one token at a time, gives the same logits as running the
    /// whole sequence again — to the bit, because every sum runs in the same order either way.
    @Test
    void cachedDecodingEqualsFullRecompute() {
        cachedEqualsFull(model(7), 0f);
    }

    /// MLA: decoding in the naive form repeats the training forward's sums exactly; the absorbed
    /// form reassociates `q·(W^UK c)` as `(W^UKᵀ q)·c`, which changes rounding only: within 1e-4
    /// of the logits' scale (the float rounding of a few hundred terms per score, through two layers).
    @Test
    void deepseekCachedDecodingEqualsFullRecompute() {
        cachedEqualsFull(model(ModelConfig.tiny(), 7).decodeWith(dev.tinyseek.attention.MultiHeadLatentAttention.Form.NAIVE), 0f);
        cachedEqualsFull(model(ModelConfig.tiny(), 7), 1e-4f);
    }

    @Test
    void mlaCachedDecodingEqualsFullRecomputeInBothForms() {
        ModelConfig cfg = ModelConfig.tiny().withTypes("mla", "dense");
        cachedEqualsFull(model(cfg, 7).decodeWith(dev.tinyseek.attention.MultiHeadLatentAttention.Form.NAIVE), 0f);
        cachedEqualsFull(model(cfg, 7).decodeWith(dev.tinyseek.attention.MultiHeadLatentAttention.Form.ABSORBED), 1e-4f);
        Transformer m = model(cfg, 7);
        assertThat(m.newDecodeState(8).floatsPerToken()).isEqualTo(2 * (16 + 8));          // absorbed: R + Dr per layer
        assertThat(m.decodeWith(dev.tinyseek.attention.MultiHeadLatentAttention.Form.NAIVE).newDecodeState(8).floatsPerToken())
                .isEqualTo(2 * 4 * (24 + 16));                                                // naive: H·(Dqk + Dv) per layer
    }

    /// Weights written by hand, with nothing announced anywhere, reach the next decoding state:
    /// on the DeepSeek-V3 preset (MLA, MoE, an MTP module) cached decoding still equals the full
    /// forward to the bit, and the MTP module's drafts follow its new weights too.
    @Test
    void decodingAfterWeightsWrittenByHandUsesTheNewWeights() {
        Transformer m = model(ModelConfig.tiny().withMtpDepth(1), 7)
                .decodeWith(dev.tinyseek.attention.MultiHeadLatentAttention.Form.NAIVE);
        cachedEqualsFull(m, 0f); // the first state transposes the weights it meets
        float[] hidden = new float[m.config.hiddenSize()];
        Arrays.fill(hidden, 0.5f);
        float[] draftBefore = m.decodeMtp(m.newDecodeState(4), hidden, new int[] {3});
        for (Param p : m.params()) {
            for (int i = 0; i < p.data.length; i++) {
                p.data[i] = p.data[i] * -1.5f + (i % 7) * 1e-3f;
            }
        }
        cachedEqualsFull(m, 0f);
        float[] draftAfter = m.decodeMtp(m.newDecodeState(4), hidden, new int[] {3});
        assertThat(draftAfter).as("the MTP drafts read the new weights").isNotEqualTo(draftBefore);
        Transformer.DecodeState asStored = m.newDecodeState(4, dev.tinyseek.nn.DecodingWeights.asStored());
        assertThat(m.decodeMtp(asStored, hidden, new int[] {3})).as("the read-as-stored control").containsExactly(draftAfter);
    }

    static void cachedEqualsFull(Transformer m, float relTol) {
        Rng r = new Rng(11);
        int v = m.config.vocabSize();
        int[] seq = new int[20];
        for (int i = 0; i < seq.length; i++) {
            seq[i] = r.nextInt(v);
        }
        float[] full = m.forward(seq, 1, seq.length).logits();
        Transformer.DecodeState st = m.newDecodeState(seq.length);
        float[] prefill = m.decode(st, Arrays.copyOf(seq, 5)); // a prompt of 5, then one at a time
        float scale = 0f;
        for (float f : full) {
            scale = Math.max(scale, Math.abs(f));
        }
        float tol = relTol * scale;
        if (relTol == 0f) {
            assertThat(prefill).containsExactly(Arrays.copyOf(full, 5 * v));
        } else {
            assertThat(prefill).containsExactly(Arrays.copyOf(full, 5 * v), org.assertj.core.api.Assertions.within(tol));
        }
        for (int i = 5; i < seq.length; i++) {
            float[] step = m.decode(st, new int[] {seq[i]});
            float[] want = Arrays.copyOfRange(full, i * v, (i + 1) * v);
            if (relTol == 0f) {
                assertThat(step).as("position %d", i).containsExactly(want);
            } else {
                assertThat(step).as("position %d", i).containsExactly(want, org.assertj.core.api.Assertions.within(tol));
            }
        }
        assertThat(st.length()).isEqualTo(seq.length);
    }

    @Test
    void resultsAreBitIdenticalForOneAndManyThreads() {
        int saved = Parallel.threads();
        try {
            float[][] runs = new float[2][];
            float[][] grads = new float[2][];
            int[] threads = {1, 4};
            for (int k = 0; k < 2; k++) {
                Parallel.setThreads(threads[k]);
                Transformer m = model(9);
                int b = 3, t = 16, v = m.config.vocabSize();
                Rng r = new Rng(1);
                int[] tok = new int[b * t], tgt = new int[b * t];
                for (int i = 0; i < b * t; i++) {
                    tok[i] = r.nextInt(v);
                    tgt[i] = r.nextInt(v);
                }
                Transformer.Saved s = m.forward(tok, b, t);
                float[] dl = new float[b * t * v];
                CrossEntropy.backward(dl, s.logits(), tgt, CrossEntropy.IGNORE, b * t, v, 1f);
                m.zeroGrad();
                m.backward(s, dl);
                runs[k] = s.logits();
                grads[k] = m.params().get(3).grad.clone();
            }
            assertThat(runs[1]).containsExactly(runs[0]);
            assertThat(grads[1]).containsExactly(grads[0]);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void parameterNamesAreTheHuggingFaceOnes() {
        Transformer m = model(1);
        assertThat(m.paramsByName()).containsKeys("model.embed_tokens.weight",
                "model.layers.0.input_layernorm.weight", "model.layers.0.self_attn.q_proj.weight",
                "model.layers.1.self_attn.o_proj.weight", "model.layers.1.post_attention_layernorm.weight",
                "model.layers.1.mlp.gate_proj.weight", "model.layers.1.mlp.up_proj.weight",
                "model.layers.1.mlp.down_proj.weight", "model.norm.weight", "lm_head.weight");
        assertThat(m.paramsByName().get("model.layers.0.mlp.down_proj.weight").shape).containsExactly(64, 128);
    }

    @Test
    void badInputsNameTheProblem() {
        Transformer m = model(1);
        assertThatThrownBy(() -> m.forward(new int[] {1, 2, 3}, 2, 2)).hasMessageContaining("do not make B = 2");
        assertThatThrownBy(() -> m.forward(new int[] {1, 999}, 1, 2)).hasMessageContaining("token 999");
        assertThatThrownBy(() -> m.forward(new int[300], 1, 300)).hasMessageContaining("max_position_embeddings");
    }
}
