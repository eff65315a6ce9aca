package dev.tinyseek.attention;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.RmsNormLayer;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;

import java.util.ArrayList;
import java.util.List;

/// Multi-head Latent Attention, DeepSeek-V3's attention (DeepSeek-V3 §2.1.1 eq. 1–11; exactly as
/// the official `model.py` `MLA` computes it, `docs/mla.md#the-forward-step-by-step`).
///
/// Keys and values of all `H` heads are made from one small latent per token, so that only the
/// latent needs caching:
///
///     c_Q  = q_a_layernorm(x W_qaᵀ)            [Rq]      (or no query latent: q = x W_qᵀ)
///     q    = c_Q W_qbᵀ → per head [q_nope Dn ; q_pe Dr],  q_pe ← RoPE(q_pe)
///     [c ; k_pe] = x W_kvaᵀ                    [R ; Dr], k_pe ← RoPE(k_pe), one head shared by all
///     c    = kv_a_layernorm(c)                 (the latent only; k_pe is never normalised)
///     [k_nope ; v] = c W_kvbᵀ per head         [Dn ; Dv]
///     k    = [k_nope ; k_pe] per head,  o = causal softmax(scale · q kᵀ) v,  y = o W_oᵀ
///
/// RoPE is interleaved (pairs `(2j, 2j+1)`, `docs/mla.md#rope-interleaved-pairs`) on the last `Dr` dims of each query head
/// and on the shared key. `scale = (Dn + Dr)^-0.5`, times `mscale²` under YaRN (see [Yarn]); the
/// caller passes the final value.
///
/// Two forms, the same function (a [Form] chosen at construction; [#withForm] gives the other
/// form over the same weights):
/// - **naive**: materialise every head's `k` and `v`, then ordinary [CausalAttention]. Its cache
///   keeps them: `H·(Dqk + Dv)` numbers per token.
/// - **absorbed**: with `W^UK_h`, `W^UV_h` the key and value rows of head `h` in `kv_b_proj`,
///   `q_nope·k_nope = q_nopeᵀ W^UK_h c = (W^UK_hᵀ q_nope)·c`, so fold `W^UK_h` into the query,
///   `q_lat = W^UK_hᵀ q_nope` (`R` dims), score it against the latent itself ([LatentAttention]),
///   and apply `W^UV_h` after the weighted sum: `o = W^UV_h Σ p c`. Its cache keeps only the
///   normalised latent and the rotated `k_pe`: `R + Dr` numbers per token ([LatentCache]).
///
/// Backward goes through the naive form (the absorbed form's backward recomputes it from the
/// saved input, as DeepSeek-V3 recomputes the MLA up-projections in backward, §3.2.3).
///
/// HF names under `prefix` (e.g. `model.layers.3.self_attn`): `q_a_proj`, `q_a_layernorm`,
/// `q_b_proj` (or `q_proj` when `q_lora_rank` = 0), `kv_a_proj_with_mqa`, `kv_a_layernorm`,
/// `kv_b_proj`, `o_proj`. Rows are head-major: `q_b_proj` `[nope ; rope]` per head, `kv_b_proj`
/// `[k_nope ; v]` per head, `kv_a_proj_with_mqa` `[latent ; rope]` (`docs/model.md#parameter-names`).
///
/// Left out: V3's extra "scaling factors at the width bottlenecks" (not in the released code),
/// FP8 weights, and a dedicated backward for the absorbed form.
public final class MultiHeadLatentAttention implements Attention {

    /// Which of the two equal computations to run; see the class comment.
    public enum Form { NAIVE, ABSORBED }

    public final Linear qAProj;          // [Rq, C], null when q_lora_rank = 0
    public final RmsNormLayer qANorm;    // [Rq], null when q_lora_rank = 0
    public final Linear qBProj;          // [H·Dqk, Rq], null when q_lora_rank = 0
    public final Linear qProj;           // [H·Dqk, C], null when q_lora_rank > 0
    public final Linear kvAProj;         // [R + Dr, C]
    public final RmsNormLayer kvANorm;   // [R]
    public final Linear kvBProj;         // [H·(Dn + Dv), R]
    public final Linear oProj;           // [C, H·Dv]
    private final int c, h, qRank, r, dn, dr, dv, dqk;
    private final Rope rope;
    private final float scale;
    private final Form form;

    /// What the naive backward needs.
    public record Saved(float[] x,                // [B·T, C]
                        RmsNormLayer.Saved qNorm, // query latent [B·T, Rq] before/after q_a_layernorm; null without one
                        float[] q,                // [B·T, H, Dqk] after RoPE
                        RmsNormLayer.Saved kvNorm,// KV latent [B·T, R] before/after kv_a_layernorm
                        float[] k,                // [B·T, H, Dqk] = [k_nope ; k_pe] per head
                        float[] v,                // [B·T, H, Dv]
                        CausalAttention.Saved attn,
                        float[] y,                // [B·T, C]
                        int b, int t) implements Attention.Saved {
    }

    /// What the absorbed form keeps: only the input; backward recomputes the naive form.
    public record AbsorbedSaved(float[] x, // [B·T, C]
                                float[] y, // [B·T, C]
                                int b, int t) implements Attention.Saved {
    }

    /// MLA's settings by name (HF `config.json` keys in the comments), for building a layer without
    /// a positional argument list: `Config.defaults().withHeads(8).withKvLoraRank(32).build(prefix, rng)`.
    /// [#defaults()] is one layer of the `tiny` preset.
    ///
    /// @param rope         the RoPE table of `qkRopeHeadDim` dims; null: plain RoPE, θ = 10000, over
    ///                     [#DEFAULT_POSITIONS] positions (pass [Yarn#rope] for YaRN)
    /// @param softmaxScale 0: `(Dn + Dr)^-0.5`; under YaRN pass [Yarn#softmaxScale]
    public record Config(int hiddenSize,      // hidden_size C
                         int heads,           // num_attention_heads H
                         int qLoraRank,       // q_lora_rank Rq (0: one q_proj)
                         int kvLoraRank,      // kv_lora_rank R
                         int qkNopeHeadDim,   // qk_nope_head_dim Dn
                         int qkRopeHeadDim,   // qk_rope_head_dim Dr
                         int vHeadDim,        // v_head_dim Dv
                         Rope rope, float softmaxScale,
                         float rmsNormEps,    // rms_norm_eps
                         Form form,
                         double initStd) {    // initializer_range

        /// The positions of the default RoPE table.
        public static final int DEFAULT_POSITIONS = 4096;

        /// Width 64, 4 heads, q rank 32, kv rank 16, head dims 16/8/16, plain RoPE, scale
        /// `24^-0.5`, eps 1e-6, the naive form, initial weights of std 0.02.
        public static Config defaults() {
            return new Config(64, 4, 32, 16, 16, 8, 16, null, 0, 1e-6f, Form.NAIVE, 0.02);
        }

        /// The RoPE table the layer gets: [#rope], or plain RoPE when it is null.
        public Rope ropeTable() {
            return rope != null ? rope : Rope.plain(qkRopeHeadDim, 10000.0, DEFAULT_POSITIONS);
        }

        /// The softmax scale the layer gets: [#softmaxScale], or `(Dn + Dr)^-0.5` when it is 0.
        public float scale() {
            return softmaxScale != 0 ? softmaxScale : (float) (1 / Math.sqrt(qkNopeHeadDim + qkRopeHeadDim));
        }

        /// A layer with these settings, its parameters named under `prefix` and drawn from `rng`.
        public MultiHeadLatentAttention build(String prefix, Rng rng) {
            return new MultiHeadLatentAttention(prefix, hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim,
                    qkRopeHeadDim, vHeadDim, ropeTable(), scale(), rmsNormEps, form, rng, initStd);
        }

        public Config withHiddenSize(int v) {
            return new Config(v, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withHeads(int v) {
            return new Config(hiddenSize, v, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withQLoraRank(int v) {
            return new Config(hiddenSize, heads, v, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withKvLoraRank(int v) {
            return new Config(hiddenSize, heads, qLoraRank, v, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withQkNopeHeadDim(int v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, v, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withQkRopeHeadDim(int v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, v, vHeadDim, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withVHeadDim(int v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, v, rope, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withRope(Rope v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, v, softmaxScale, rmsNormEps, form, initStd);
        }

        public Config withSoftmaxScale(float v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, v, rmsNormEps, form, initStd);
        }

        public Config withRmsNormEps(float v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, v, form, initStd);
        }

        public Config withForm(Form v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, v, initStd);
        }

        public Config withInitStd(double v) {
            return new Config(hiddenSize, heads, qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, rope, softmaxScale, rmsNormEps, form, v);
        }

        @Override
        public String toString() {
            return "MLA config: width " + hiddenSize + ", " + heads + " heads, q rank " + qLoraRank + ", kv rank " + kvLoraRank
                    + ", head dims " + qkNopeHeadDim + "/" + qkRopeHeadDim + "/" + vHeadDim + " (nope/rope/v), "
                    + (rope == null ? "plain RoPE" : "RoPE over " + rope.maxPos() + " positions") + ", scale " + scale()
                    + ", eps " + rmsNormEps + ", " + form + " form, init std " + initStd;
        }
    }

    /// - `prefix`: e.g. `model.layers.3.self_attn`
    /// - `c` hidden_size, `h` num_attention_heads
    /// - `qLoraRank` q_lora_rank (0: a single `q_proj`), `kvLoraRank` kv_lora_rank `R`
    /// - `qkNopeHeadDim` `Dn`, `qkRopeHeadDim` `Dr` (= `rope.dim()`), `vHeadDim` `Dv`
    /// - `scale`: the softmax scale, `(Dn + Dr)^-0.5` (× mscale² under YaRN: [Yarn#softmaxScale])
    /// - `eps`: of both RMSNorms (rms_norm_eps); `std`: of the initial weights
    ///
    /// [Config] names the same settings, with defaults.
    public MultiHeadLatentAttention(String prefix, int c, int h, int qLoraRank, int kvLoraRank,
                                    int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim,
                                    Rope rope, float scale, float eps, Form form, Rng rng, double std) {
        positive("hidden_size", c);
        positive("num_attention_heads", h);
        if (qLoraRank < 0) {
            throw new IllegalArgumentException("MLA: q_lora_rank = " + qLoraRank + " is invalid; expected 0 (no query latent) or a positive rank");
        }
        positive("kv_lora_rank", kvLoraRank);
        positive("qk_nope_head_dim", qkNopeHeadDim);
        positive("qk_rope_head_dim", qkRopeHeadDim);
        positive("v_head_dim", vHeadDim);
        if (rope == null || rope.dim() != qkRopeHeadDim) {
            throw new IllegalArgumentException("MLA: the RoPE table has " + (rope == null ? "no" : rope.dim())
                    + " dims but qk_rope_head_dim is " + qkRopeHeadDim + "; build it with Rope.plain(qk_rope_head_dim, ...) or Yarn.rope(...)");
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("MLA: softmax scale = " + scale + " is invalid; expected a positive number such as (qk_nope_head_dim + qk_rope_head_dim)^-0.5");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("MLA: rms_norm_eps = " + eps + " is invalid; expected a small positive number such as 1e-6");
        }
        if (form == null) {
            throw new IllegalArgumentException("MLA: form must be NAIVE or ABSORBED, got null");
        }
        this.c = c;
        this.h = h;
        this.qRank = qLoraRank;
        this.r = kvLoraRank;
        this.dn = qkNopeHeadDim;
        this.dr = qkRopeHeadDim;
        this.dv = vHeadDim;
        this.dqk = dn + dr;
        this.rope = rope;
        this.scale = scale;
        this.form = form;
        if (qRank > 0) {
            qAProj = new Linear(prefix + ".q_a_proj", c, qRank, rng, std);
            qANorm = new RmsNormLayer(prefix + ".q_a_layernorm", qRank, eps);
            qBProj = new Linear(prefix + ".q_b_proj", qRank, h * dqk, rng, std);
            qProj = null;
        } else {
            qAProj = null;
            qANorm = null;
            qBProj = null;
            qProj = new Linear(prefix + ".q_proj", c, h * dqk, rng, std);
        }
        kvAProj = new Linear(prefix + ".kv_a_proj_with_mqa", c, r + dr, rng, std);
        kvANorm = new RmsNormLayer(prefix + ".kv_a_layernorm", r, eps);
        kvBProj = new Linear(prefix + ".kv_b_proj", r, h * (dn + dv), rng, std);
        oProj = new Linear(prefix + ".o_proj", h * dv, c, rng, std);
    }

    private MultiHeadLatentAttention(MultiHeadLatentAttention o, Form form) {
        this.qAProj = o.qAProj;
        this.qANorm = o.qANorm;
        this.qBProj = o.qBProj;
        this.qProj = o.qProj;
        this.kvAProj = o.kvAProj;
        this.kvANorm = o.kvANorm;
        this.kvBProj = o.kvBProj;
        this.oProj = o.oProj;
        this.c = o.c;
        this.h = o.h;
        this.qRank = o.qRank;
        this.r = o.r;
        this.dn = o.dn;
        this.dr = o.dr;
        this.dv = o.dv;
        this.dqk = o.dqk;
        this.rope = o.rope;
        this.scale = o.scale;
        this.form = form;
    }

    /// The same layer (the very same parameters, shared) computed in the other form.
    public MultiHeadLatentAttention withForm(Form form) {
        if (form == null) {
            throw new IllegalArgumentException("MLA: form must be NAIVE or ABSORBED, got null");
        }
        return form == this.form ? this : new MultiHeadLatentAttention(this, form);
    }

    public Form form() {
        return form;
    }

    /// A one-line summary for jshell: where it sits, its shape, its form and its size.
    @Override
    public String toString() {
        String name = kvAProj.weight.name;
        long n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return "MultiHeadLatentAttention " + name.substring(0, name.lastIndexOf(".kv_a_proj_with_mqa")) + ": width " + c
                + ", " + h + " heads, q rank " + qRank + ", kv rank " + r + ", head dims " + dn + "/" + dr + "/" + dv
                + " (nope/rope/v), " + form + " form, " + String.format("%,d", n) + " parameters";
    }

    // ---- forward and backward ---------------------------------------------------------------

    /// The projections shared by both forms, before RoPE.
    private record Projected(RmsNormLayer.Saved qNorm, // [N, Rq] or null
                             float[] q,                // [N, H, Dqk]
                             RmsNormLayer.Saved kvNorm,// [N, R]
                             float[] kPe) {            // [N, Dr]
    }

    private Projected project(float[] x, int n, DecodingWeights w) {
        // 1. query: x → (q_a_proj → q_a_layernorm → q_b_proj) or q_proj
        RmsNormLayer.Saved qNorm = null;
        float[] q;
        if (qRank > 0) {
            qNorm = qANorm.forward(qAProj.forward(x, n, w), n);
            q = qBProj.forward(qNorm.y(), n, w);
        } else {
            q = qProj.forward(x, n, w);
        }
        // 2. key/value down-projection: [latent R ; k_pe Dr]; 3. RMSNorm on the latent only
        float[] kva = kvAProj.forward(x, n, w);
        float[] latent = new float[n * r], kPe = new float[n * dr];
        copy(kva, r + dr, 0, latent, r, 0, n, r);
        copy(kva, r + dr, r, kPe, dr, 0, n, dr);
        return new Projected(qNorm, q, kvANorm.forward(latent, n), kPe);
    }

    @Override
    public Attention.Saved forward(float[] x, int b, int t) {
        checkInput(x, b, t);
        return form == Form.NAIVE ? forwardNaive(x, b, t) : forwardAbsorbed(x, b, t);
    }

    private Saved forwardNaive(float[] x, int b, int t) {
        int n = b * t;
        Projected p = project(x, n, DecodingWeights.asStored());
        // 4. RoPE on each query head's last Dr dims and on the shared key
        rope.forwardBatch(p.q, b, t, h, dqk, dn);
        rope.forwardBatch(p.kPe, b, t, 1, dr, 0);
        // 5. up-projection to per-head [k_nope ; v]; k = [k_nope ; k_pe broadcast]
        float[] k = new float[n * h * dqk], v = new float[n * h * dv];
        expandHeads(kvBProj.forward(p.kvNorm.y(), n), p.kPe, k, 0, v, 0, n);
        // 6. causal attention, 7. output projection
        CausalAttention.Saved a = CausalAttention.forward(p.q, k, v, b, t, h, dqk, dv, 0, scale);
        float[] y = oProj.forward(a.out(), n);
        return new Saved(x, p.qNorm, p.q, p.kvNorm, k, v, a, y, b, t);
    }

    private AbsorbedSaved forwardAbsorbed(float[] x, int b, int t) {
        int n = b * t;
        Projected p = project(x, n, DecodingWeights.asStored());
        rope.forwardBatch(p.q, b, t, h, dqk, dn);
        rope.forwardBatch(p.kPe, b, t, 1, dr, 0);
        float[] o = absorbedAttention(p.q, p.kvNorm.y(), p.kPe, b, t, 0);
        return new AbsorbedSaved(x, oProj.forward(o, n), b, t);
    }

    @Override
    public float[] backward(Attention.Saved saved, float[] dy) {
        Saved s = switch (saved) {
            case Saved naive -> naive;
            case AbsorbedSaved abs -> forwardNaive(abs.x(), abs.b(), abs.t()); // recompute; same function
            default -> throw new IllegalArgumentException("MLA backward: expected what this layer's forward returned, got "
                    + saved.getClass().getSimpleName());
        };
        int b = s.b, t = s.t, n = b * t;
        if (dy == null || dy.length != n * c) {
            throw new IllegalArgumentException("MLA backward: dy has " + (dy == null ? "null" : dy.length + " floats")
                    + " but [B·T, C] = [" + n + ", " + c + "] needs " + n * c);
        }
        // 1. output projection
        float[] dout = oProj.backward(dy, s.attn.out(), n);
        // 2. attention
        float[] dq = new float[n * h * dqk], dk = new float[n * h * dqk], dvv = new float[n * h * dv];
        CausalAttention.backward(dq, dk, dvv, dout, s.q, s.k, s.v, s.attn);
        // 3. un-broadcast the keys: per-head [dk_nope ; dv] rows, and dk_pe = Σ_heads
        float[] dkv = new float[n * h * (dn + dv)], dkPe = new float[n * dr];
        for (int i = 0; i < n; i++) {
            for (int hh = 0; hh < h; hh++) {
                int kRow = (i * h + hh) * dqk, kvRow = (i * h + hh) * (dn + dv);
                System.arraycopy(dk, kRow, dkv, kvRow, dn);
                System.arraycopy(dvv, (i * h + hh) * dv, dkv, kvRow + dn, dv);
                for (int j = 0; j < dr; j++) {
                    dkPe[i * dr + j] += dk[kRow + dn + j];
                }
            }
        }
        // 4. RoPE backward (rotation by the opposite angle)
        rope.backwardBatch(dkPe, b, t, 1, dr, 0);
        rope.backwardBatch(dq, b, t, h, dqk, dn);
        // 5. kv_b_proj and kv_a_layernorm, then kv_a_proj_with_mqa on [d latent ; d k_pe]
        float[] dLatent = kvANorm.backward(s.kvNorm, kvBProj.backward(dkv, s.kvNorm.y(), n));
        float[] dkva = new float[n * (r + dr)];
        copy(dLatent, r, 0, dkva, r + dr, 0, n, r);
        copy(dkPe, dr, 0, dkva, r + dr, r, n, dr);
        float[] dx = kvAProj.backward(dkva, s.x, n);
        // 6. query path
        if (qRank > 0) {
            float[] dqa = qANorm.backward(s.qNorm, qBProj.backward(dq, s.qNorm.y(), n));
            add(dx, qAProj.backward(dqa, s.x, n));
        } else {
            add(dx, qProj.backward(dq, s.x, n));
        }
        return dx;
    }

    // ---- the absorbed form ------------------------------------------------------------------

    /// `o` `[B·Tq, H, Dv]` of the absorbed form, from rotated queries and the (cached) latents and keys.
    private float[] absorbedAttention(float[] q,      // [B·Tq, H, Dqk] rotated
                                      float[] latent, // [B·Tk, R] (at least) normalised
                                      float[] kPe,    // [B·Tk, Dr] (at least) rotated
                                      int b, int tq, int pos0) {
        int n = b * tq;
        Gemm gemm = Backends.gemm();
        float[] w = kvBProj.weight.data; // [H, Dn + Dv, R]: rows of head h are [W^UK_h Dn ; W^UV_h Dv]
        // 1. q_lat[i, h] = W^UK_hᵀ q_nope[i, h]: per head, [N, Dn] · [Dn, R]
        float[] qLat = new float[n * h * r], qPe = new float[n * h * dr];
        float[] qn = new float[n * dn], ql = new float[n * r];
        for (int hh = 0; hh < h; hh++) {
            copy(q, h * dqk, hh * dqk, qn, dn, 0, n, dn);
            gemm.gemm(false, false, n, r, dn, qn, 0, w, hh * (dn + dv) * r, ql, 0, false);
            copy(ql, r, 0, qLat, h * r, hh * r, n, r);
        }
        copy(q, dqk, dn, qPe, dr, 0, n * h, dr);
        // 2. attention against the shared latent
        float[] oLat = LatentAttention.forward(qLat, qPe, latent, kPe, b, tq, h, r, dr, pos0, scale);
        // 3. o[i, h] = W^UV_h o_lat[i, h]: per head, [N, R] · [Dv, R]ᵀ
        float[] o = new float[n * h * dv], oh = new float[n * dv];
        for (int hh = 0; hh < h; hh++) {
            copy(oLat, h * r, hh * r, ql, r, 0, n, r);
            gemm.gemm(false, true, n, dv, r, ql, 0, w, (hh * (dn + dv) + dn) * r, oh, 0, false);
            copy(oh, dv, 0, o, h * dv, hh * dv, n, dv);
        }
        return o;
    }

    // ---- decoding with a cache --------------------------------------------------------------

    @Override
    public float[] decode(float[] x, int t, KvCache kvCache, DecodingWeights w) {
        checkInput(x, 1, t);
        int pos0 = kvCache == null ? 0 : kvCache.length();
        checkCache(kvCache, t);
        Projected p = project(x, t, w);
        rope.forward(p.q, 0, t, h, dqk, dn, pos0);
        rope.forward(p.kPe, 0, t, 1, dr, 0, pos0);
        float[] o;
        if (form == Form.NAIVE) {
            // the naive form caches exactly what standard multi-head attention caches
            MultiHeadAttention.Cache cache = (MultiHeadAttention.Cache) kvCache;
            expandHeads(kvBProj.forward(p.kvNorm.y(), t, w), p.kPe, cache.k, pos0 * h * dqk, cache.v, pos0 * h * dv, t);
            cache.length = pos0 + t;
            o = CausalAttention.forward(p.q, cache.k, cache.v, 1, t, h, dqk, dv, pos0, scale).out();
        } else {
            // the normalised latent and the rotated k_pe (both, or the forms differ: docs/mla.md#absorbed-form)
            LatentCache cache = (LatentCache) kvCache;
            System.arraycopy(p.kvNorm.y(), 0, cache.latent, pos0 * r, t * r);
            System.arraycopy(p.kPe, 0, cache.kPe, pos0 * dr, t * dr);
            cache.length = pos0 + t;
            o = absorbedAttention(p.q, cache.latent, cache.kPe, 1, t, pos0);
        }
        return oProj.forward(o, t, w);
    }

    /// An empty cache for this layer's form: per-head keys and values (naive, `H·(Dqk + Dv)`
    /// numbers per token) or latents and RoPE keys (absorbed, `R + Dr`).
    @Override
    public KvCache newCache(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("MLA: a cache needs maxTokens >= 1, got " + maxTokens);
        }
        return form == Form.NAIVE ? new MultiHeadAttention.Cache(maxTokens, h, dqk, dv) : new LatentCache(maxTokens, r, dr);
    }

    /// The projections in HF order (the latent norms are not linear layers).
    @Override
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>();
        if (qRank > 0) {
            ls.add(qAProj);
            ls.add(qBProj);
        } else {
            ls.add(qProj);
        }
        ls.add(kvAProj);
        ls.add(kvBProj);
        ls.add(oProj);
        return ls;
    }

    /// In HF order: the query path, `kv_a_proj_with_mqa`, `kv_a_layernorm`, `kv_b_proj`, `o_proj`.
    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>();
        if (qRank > 0) {
            ps.add(qAProj.weight);
            ps.add(qANorm.weight);
            ps.add(qBProj.weight);
        } else {
            ps.add(qProj.weight);
        }
        ps.add(kvAProj.weight);
        ps.add(kvANorm.weight);
        ps.add(kvBProj.weight);
        ps.add(oProj.weight);
        return ps;
    }

    // ---- helpers ----------------------------------------------------------------------------

    /// Splits per-head `[k_nope ; v]` rows into `k = [k_nope ; k_pe]` and `v`, at row offsets.
    private void expandHeads(float[] kv,  // [N, H, Dn + Dv]
                             float[] kPe, // [N, Dr]
                             float[] k, int kOff, // [.., N, H, Dqk]
                             float[] v, int vOff, // [.., N, H, Dv]
                             int n) {
        for (int i = 0; i < n; i++) {
            for (int hh = 0; hh < h; hh++) {
                int kvRow = (i * h + hh) * (dn + dv), kRow = kOff + (i * h + hh) * dqk;
                System.arraycopy(kv, kvRow, k, kRow, dn);
                System.arraycopy(kPe, i * dr, k, kRow + dn, dr);
                System.arraycopy(kv, kvRow + dn, v, vOff + (i * h + hh) * dv, dv);
            }
        }
    }

    /// Copies a `[rows, width]` block between row-major arrays of the given row strides and column offsets.
    private static void copy(float[] src, int srcStride, int srcCol, float[] dst, int dstStride, int dstCol, int rows, int width) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, i * srcStride + srcCol, dst, i * dstStride + dstCol, width);
        }
    }

    private static void add(float[] acc, float[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }

    private void checkInput(float[] x, int b, int t) {
        if (b < 1 || t < 1) {
            throw new IllegalArgumentException("MLA: needs B >= 1 sequences of T >= 1 tokens, got B = " + b + ", T = " + t);
        }
        if (x == null || x.length != (long) b * t * c) {
            throw new IllegalArgumentException("MLA: x has " + (x == null ? "null" : x.length + " floats") + " but [B·T, C] = ["
                    + (long) b * t + ", " + c + "] needs " + (long) b * t * c);
        }
    }

    private void checkCache(KvCache cache, int t) {
        boolean fits = form == Form.NAIVE
                ? cache instanceof MultiHeadAttention.Cache m && m.k.length == m.capacity * h * dqk && m.v.length == m.capacity * h * dv
                : cache instanceof LatentCache l && l.r == r && l.dr == dr;
        if (!fits) {
            throw new IllegalArgumentException("MLA (" + form + "): the cache " + (cache == null ? "is null" : "(" + cache.getClass().getSimpleName()
                    + ", " + cache.floatsPerToken() + " floats per token) was not made by newCache() of this layer"));
        }
        if (cache.length() + t > cache.capacity()) {
            throw new IllegalArgumentException("MLA: cache holds " + cache.capacity() + " tokens; cannot add " + t + " to " + cache.length());
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("MLA: " + key + " = " + value + " is invalid; expected a positive number");
        }
    }
}
