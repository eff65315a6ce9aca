package dev.tinyseek.attention;

import dev.tinyseek.nn.DecodingWeights;
import dev.tinyseek.nn.Linear;
import dev.tinyseek.nn.Param;
import dev.tinyseek.tensor.Rng;
import dev.tinyseek.tensor.Rope;

import java.util.List;

/// Standard multi-head attention, the baseline MLA is measured against.
///
/// `q = x W_qᵀ`, `k = x W_kᵀ`, `v = x W_vᵀ` with `H` heads; each query/key head has `Dqk` dims,
/// of which the last `Dr` carry RoPE (interleaved pairs, as in DeepSeek), and each value head `Dv`
/// dims; then causal attention and `y = o W_oᵀ`. Every head keeps its own keys and values, so
/// the cache holds `H·(Dqk + Dv)` numbers per token per layer — the cost MLA was built to cut.
/// HF names: `self_attn.{q,k,v,o}_proj`.
public final class MultiHeadAttention implements Attention {

    public final Linear qProj; // [H·Dqk, C]
    public final Linear kProj; // [H·Dqk, C]
    public final Linear vProj; // [H·Dv, C]
    public final Linear oProj; // [C, H·Dv]
    private final int c, h, dqk, dv, dr;
    private final Rope rope;
    private final float scale;

    /// What backward needs.
    public record Saved(float[] x,    // [B·T, C]
                        float[] q,    // [B·T, H, Dqk] after RoPE
                        float[] k,    // [B·T, H, Dqk] after RoPE
                        float[] v,    // [B·T, H, Dv]
                        CausalAttention.Saved attn,
                        float[] y,    // [B·T, C]
                        int b, int t) implements Attention.Saved {
    }

    /// A cache of every head's keys and values for one sequence.
    public static final class Cache implements KvCache {
        final float[] k; // [capacity, H, Dqk]
        final float[] v; // [capacity, H, Dv]
        final int capacity, perToken;
        int length;

        Cache(int capacity, int h, int dqk, int dv) {
            this.capacity = capacity;
            this.k = new float[capacity * h * dqk];
            this.v = new float[capacity * h * dv];
            this.perToken = h * (dqk + dv);
        }

        @Override public int length() { return length; }
        @Override public int capacity() { return capacity; }
        @Override public int floatsPerToken() { return perToken; }

        @Override
        public void truncate(int n) {
            if (n < 0 || n > length) {
                throw new IllegalArgumentException("cache: cannot truncate " + length + " tokens to " + n);
            }
            length = n;
        }
    }

    /// - `prefix`: e.g. `model.layers.0.self_attn`
    /// - `dqk` = qk_nope_head_dim + qk_rope_head_dim, `dr` = qk_rope_head_dim (the RoPE part, last in each head)
    /// - `scale`: the softmax scale, usually `Dqk^-0.5`
    public MultiHeadAttention(String prefix, int c, int h, int dqk, int dv, int dr, Rope rope, float scale,
                              Rng rng, double std) {
        if (rope.dim() != dr || dr > dqk) {
            throw new IllegalArgumentException("attention: RoPE table of " + rope.dim() + " dims does not fit the RoPE part "
                    + dr + " of a " + dqk + "-dim head");
        }
        this.c = c;
        this.h = h;
        this.dqk = dqk;
        this.dv = dv;
        this.dr = dr;
        this.rope = rope;
        this.scale = scale;
        this.qProj = new Linear(prefix + ".q_proj", c, h * dqk, rng, std);
        this.kProj = new Linear(prefix + ".k_proj", c, h * dqk, rng, std);
        this.vProj = new Linear(prefix + ".v_proj", c, h * dv, rng, std);
        this.oProj = new Linear(prefix + ".o_proj", h * dv, c, rng, std);
    }

    @Override
    public Saved forward(float[] x, int b, int t) {
        int n = b * t;
        // 1. projections
        float[] q = qProj.forward(x, n);
        float[] k = kProj.forward(x, n);
        float[] v = vProj.forward(x, n);
        // 2. RoPE on the last Dr dims of every query and key head
        rope.forwardBatch(q, b, t, h, dqk, dqk - dr);
        rope.forwardBatch(k, b, t, h, dqk, dqk - dr);
        // 3. causal attention, 4. output projection
        CausalAttention.Saved a = CausalAttention.forward(q, k, v, b, t, h, dqk, dv, 0, scale);
        float[] y = oProj.forward(a.out(), n);
        return new Saved(x, q, k, v, a, y, b, t);
    }

    @Override
    public float[] backward(Attention.Saved saved, float[] dy) {
        Saved s = (Saved) saved;
        int n = s.b * s.t;
        float[] dout = oProj.backward(dy, s.attn.out(), n);
        float[] dq = new float[s.q.length], dk = new float[s.k.length], dvv = new float[s.v.length];
        CausalAttention.backward(dq, dk, dvv, dout, s.q, s.k, s.v, s.attn);
        rope.backwardBatch(dq, s.b, s.t, h, dqk, dqk - dr);
        rope.backwardBatch(dk, s.b, s.t, h, dqk, dqk - dr);
        float[] dx = qProj.backward(dq, s.x, n);
        add(dx, kProj.backward(dk, s.x, n));
        add(dx, vProj.backward(dvv, s.x, n));
        return dx;
    }

    @Override
    public float[] decode(float[] x, int t, KvCache kvCache, DecodingWeights w) {
        Cache cache = (Cache) kvCache;
        int pos0 = cache.length;
        if (pos0 + t > cache.capacity) {
            throw new IllegalArgumentException("attention: cache holds " + cache.capacity + " tokens; cannot add " + t
                    + " to " + pos0);
        }
        float[] q = qProj.forward(x, t, w);
        float[] k = kProj.forward(x, t, w);
        float[] v = vProj.forward(x, t, w);
        rope.forward(q, 0, t, h, dqk, dqk - dr, pos0);
        rope.forward(k, 0, t, h, dqk, dqk - dr, pos0);
        System.arraycopy(k, 0, cache.k, pos0 * h * dqk, k.length);
        System.arraycopy(v, 0, cache.v, pos0 * h * dv, v.length);
        cache.length = pos0 + t;
        CausalAttention.Saved a = CausalAttention.forward(q, cache.k, cache.v, 1, t, h, dqk, dv, pos0, scale);
        return oProj.forward(a.out(), t, w);
    }

    @Override
    public KvCache newCache(int maxTokens) {
        return new Cache(maxTokens, h, dqk, dv);
    }

    @Override
    public List<Linear> linears() {
        return List.of(qProj, kProj, vProj, oProj);
    }

    @Override
    public List<Param> params() {
        return List.of(qProj.weight, kProj.weight, vProj.weight, oProj.weight);
    }

    private static void add(float[] acc, float[] x) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += x[i];
        }
    }
}
