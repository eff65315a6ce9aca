package dev.tinyseek.model;

import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.EmbeddingLayer;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.nn.RmsNormLayer;
import dev.tinyseek.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/// One Multi-Token Prediction module (DeepSeek-V3 §2.2, eq. 21-23): depth `k` predicts the
/// token `k + 1` positions ahead.
///
///     h'_i = eh_proj [ enorm(Emb(x_{i+k})) ; hnorm(h^{k-1}_i) ]     (eq. 21; embedding first,
///                                                                 the order of the released weights)
///     h^k  = Block(h')                                            (eq. 22, causal as any block)
///     P^k  = softmax(lm_head(shared_head.norm(h^k)))              (eq. 23)
///
/// The embedding and the output head are the main model's (shared, and trained by every depth).
/// `h^0` is the main model's final hidden state after its final norm (as vLLM and SGLang feed
/// DeepSeek's MTP weights). Stored as `model.layers.{num_hidden_layers + k - 1}.*`. Left out:
/// the copies of the embedding and head that the released files also keep under that prefix.
public final class MtpModule {

    public final RmsNormLayer enorm;          // [C]
    public final RmsNormLayer hnorm;          // [C]
    public final Linear ehProj;               // [C, 2C]
    public final Block block;
    public final RmsNormLayer sharedHeadNorm; // [C]
    public final int depth;                   // k = 1, 2, ...
    private final int c;

    /// What backward needs.
    public record Saved(int[] ahead,            // [B·T] x_{i+k} (0 past the end)
                        RmsNormLayer.Saved e,   // enorm of the embeddings
                        RmsNormLayer.Saved h,   // hnorm of the previous depth
                        float[] cat,            // [B·T, 2C]
                        Block.Saved blk,
                        RmsNormLayer.Saved head,
                        float[] logits,         // [B·T, V]
                        int b, int t) {
        /// `h^k`, what the next depth reads.
        public float[] hidden() {
            return blk.out();
        }
    }

    MtpModule(String prefix, int depth, int c, float eps, Block block, Rng rng, double std) {
        this.depth = depth;
        this.c = c;
        this.enorm = new RmsNormLayer(prefix + ".enorm", c, eps);
        this.hnorm = new RmsNormLayer(prefix + ".hnorm", c, eps);
        this.ehProj = new Linear(prefix + ".eh_proj", 2 * c, c, rng, std);
        this.block = block;
        this.sharedHeadNorm = new RmsNormLayer(prefix + ".shared_head.norm", c, eps);
    }

    /// The tokens `k` positions ahead of each position (0 where that runs past the sequence).
    static int[] ahead(int[] tokens, int b, int t, int k) {
        int[] out = new int[b * t];
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i + k < t; i++) {
                out[bi * t + i] = tokens[bi * t + i + k];
            }
        }
        return out;
    }

    Saved forward(float[] hPrev, // [B·T, C]
                  int[] tokens, EmbeddingLayer embed, Linear lmHead, int b, int t) {
        int n = b * t;
        int[] next = ahead(tokens, b, t, depth);
        RmsNormLayer.Saved e = enorm.forward(embed.forward(next, n), n);
        RmsNormLayer.Saved h = hnorm.forward(hPrev, n);
        float[] cat = new float[n * 2 * c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(e.y(), i * c, cat, i * 2 * c, c);
            System.arraycopy(h.y(), i * c, cat, i * 2 * c + c, c);
        }
        Block.Saved blk = block.forward(ehProj.forward(cat, n), b, t);
        RmsNormLayer.Saved head = sharedHeadNorm.forward(blk.out(), n);
        return new Saved(next, e, h, cat, blk, head, lmHead.forward(head.y(), n), b, t);
    }

    /// Backward from this depth's `dlogits` plus `dHidden` (the next depth's gradient on `h^k`,
    /// or null); accumulates every gradient (the shared embedding and head included) and returns
    /// the gradient on `h^{k-1}`.
    float[] backward(Saved s, float[] dlogits, float[] dHidden, EmbeddingLayer embed, Linear lmHead) {
        int n = s.b * s.t;
        float[] dOut = sharedHeadNorm.backward(s.head, lmHead.backward(dlogits, s.head.y(), n));
        if (dHidden != null) {
            for (int i = 0; i < dOut.length; i++) {
                dOut[i] += dHidden[i];
            }
        }
        float[] dProj = block.backward(s.blk, dOut);
        float[] dCat = ehProj.backward(dProj, s.cat, n);
        float[] dE = new float[n * c], dH = new float[n * c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(dCat, i * 2 * c, dE, i * c, c);
            System.arraycopy(dCat, i * 2 * c + c, dH, i * c, c);
        }
        embed.backward(s.ahead, enorm.backward(s.e, dE), n);
        return hnorm.backward(s.h, dH);
    }

    /// Decoding with a cache: `T` positions, each the previous depth's hidden state and the
    /// token `k` ahead of it; returns the logits (drafts of the token `k + 1` ahead; `[T, V]`, or
    /// `[1, V]` for the last position alone when `lastOnly`: a drafter needs no more) and `h^k`
    /// `[T, C]` (what depth `k + 1` reads).
    Transformer.Decoded decode(float[] hPrev, // [T, C]
                               int[] aheadTokens, int t, EmbeddingLayer embed, Linear lmHead,
                               dev.tinyseek.attention.Attention att, dev.tinyseek.attention.KvCache cache, DecodingWeights w,
                               boolean lastOnly) {
        float[] e = enorm.forward(embed.forward(aheadTokens, t), t).y();
        float[] h = hnorm.forward(hPrev, t).y();
        float[] cat = new float[t * 2 * c]; // [T, 2C]: [enorm(Emb) ; hnorm(h)]
        for (int i = 0; i < t; i++) {
            System.arraycopy(e, i * c, cat, i * 2 * c, c);
            System.arraycopy(h, i * c, cat, i * 2 * c + c, c);
        }
        float[] out = block.decode(ehProj.forward(cat, t, w), t, att, cache, w); // [T, C]
        float[] rows = lastOnly ? java.util.Arrays.copyOfRange(out, (t - 1) * c, t * c) : out;
        int r = lastOnly ? 1 : t;
        return new Transformer.Decoded(lmHead.forward(sharedHeadNorm.forward(rows, r).y(), r, w), out);
    }

    /// `eh_proj` and the block's linears; the shared head belongs to the main model.
    public List<Linear> linears() {
        List<Linear> ls = new ArrayList<>();
        ls.add(ehProj);
        ls.addAll(block.linears());
        return ls;
    }

    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        p.add(enorm.weight);
        p.add(hnorm.weight);
        p.add(ehProj.weight);
        p.addAll(block.params());
        p.add(sharedHeadNorm.weight);
        return p;
    }
}
