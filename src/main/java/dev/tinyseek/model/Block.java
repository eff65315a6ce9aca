package dev.tinyseek.model;

import dev.tinyseek.attention.Attention;
import dev.tinyseek.attention.KvCache;
import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.FeedForward;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.RmsNormLayer;

import java.util.ArrayList;
import java.util.List;

/// One pre-norm decoder block (DeepSeek-V3 `Block`; `docs/model.md#the-block`):
///
///     h   = x + Attention(RMSNorm_attn(x))
///     out = h + FFN(RMSNorm_ffn(h))
///
/// HF names: `input_layernorm`, `self_attn.*`, `post_attention_layernorm`, `mlp.*`.
public final class Block {

    public final RmsNormLayer inputNorm;
    public final Attention attention;
    public final RmsNormLayer postAttentionNorm;
    public final FeedForward ffn;
    private final int c;

    /// What backward needs.
    public record Saved(float[] x,                 // [N, C] input
                        RmsNormLayer.Saved norm1,
                        Attention.Saved attn,
                        float[] h,                 // [N, C] after the attention residual
                        RmsNormLayer.Saved norm2,
                        FeedForward.Saved ffn,
                        float[] out,               // [N, C]
                        int b, int t) {
    }

    public Block(String prefix, int c, float eps, Attention attention, FeedForward ffn) {
        this.c = c;
        this.inputNorm = new RmsNormLayer(prefix + ".input_layernorm", c, eps);
        this.attention = attention;
        this.postAttentionNorm = new RmsNormLayer(prefix + ".post_attention_layernorm", c, eps);
        this.ffn = ffn;
    }

    public Saved forward(float[] x, int b, int t) {
        int n = b * t;
        RmsNormLayer.Saved n1 = inputNorm.forward(x, n);
        Attention.Saved a = attention.forward(n1.y(), b, t);
        float[] h = add(x, a.y());
        RmsNormLayer.Saved n2 = postAttentionNorm.forward(h, n);
        FeedForward.Saved f = ffn.forward(n2.y(), b, t);
        float[] out = add(h, f.y());
        return new Saved(x, n1, a, h, n2, f, out, b, t);
    }

    /// Returns `dx` and accumulates every parameter's gradient. The residual connections pass
    /// the gradient through unchanged and add each branch's contribution.
    public float[] backward(Saved s, float[] dout) {
        // FFN branch: out = h + ffn(norm2(h))
        float[] dh = add(dout, postAttentionNorm.backward(s.norm2, ffn.backward(s.ffn, dout)));
        // attention branch: h = x + attn(norm1(x))
        return add(dh, inputNorm.backward(s.norm1, attention.backward(s.attn, dh)));
    }

    /// Decoding: `T` new tokens of one sequence, using and extending `cache`, with `att` (this
    /// block's attention, possibly in another form over the same weights, e.g. absorbed MLA) and
    /// the decoding state's weight layouts `w`.
    public float[] decode(float[] x, int t, Attention att, KvCache cache, DecodingWeights w) {
        float[] n1 = inputNorm.forward(x, t).y();
        float[] h = add(x, att.decode(n1, t, cache, w));
        float[] n2 = postAttentionNorm.forward(h, t).y();
        return add(h, ffn.decode(n2, t, w));
    }

    /// The attention projections and the feed-forward linears (not the MoE router).
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>(attention.linears());
        ls.addAll(ffn.linears());
        return ls;
    }

    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        p.add(inputNorm.weight);
        p.addAll(attention.params());
        p.add(postAttentionNorm.weight);
        p.addAll(ffn.params());
        return p;
    }

    /// Parameters saved with the model but not trained by the optimizer (the MoE router bias).
    public List<Param> buffers() {
        return ffn.buffers();
    }

    private float[] add(float[] a, float[] b) {
        float[] y = new float[a.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }
}
