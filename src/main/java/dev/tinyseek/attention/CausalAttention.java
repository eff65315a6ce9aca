package dev.tinyseek.attention;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.tensor.Softmax;

/// Scaled dot-product attention with a causal mask, per head:
/// `o_i = Σ_{j ≤ p(i)} softmax_j(scale · q_i·k_j) v_j`, where query `i` sits at position
/// `p(i) = pos0 + i` and may see every key up to its own position (DeepSeek-V3 eq. 10).
///
/// This is the arithmetic both standard multi-head attention and the naive form of MLA share;
/// they differ only in how `q`, `k` and `v` are made. Queries come `Tq` at a time (a whole
/// sequence in training, one new token when decoding with a cache); keys and values hold all
/// `Tk = pos0 + Tq` positions seen so far.
///
/// Each (sequence, head) pair is an independent task: two GEMMs (`S = Q Kᵀ`, `O = P V`) and a
/// row softmax in between; backward is four GEMMs. Masked scores are exactly 0 after the softmax,
/// so a row computed with a cache equals the same row computed over the whole sequence, to the bit.
public final class CausalAttention {

    private CausalAttention() {
    }

    /// What backward needs: the attention weights.
    public record Saved(float[] probs, // [B, H, Tq, Tk]
                        float[] out,   // [B, Tq, H, Dv]
                        int b, int tq, int tk, int h, int dqk, int dv, int pos0, float scale) {
    }

    /// Forward. `k` and `v` may be longer than needed (a cache allocated for the whole context):
    /// only the first `B·Tk` rows are read, sequence `b` at rows `[b·Tk, (b+1)·Tk)`.
    public static Saved forward(float[] q,  // [B, Tq, H, Dqk]
                                float[] k,  // [B, Tk, H, Dqk] (at least)
                                float[] v,  // [B, Tk, H, Dv] (at least)
                                int b, int tq, int h, int dqk, int dv, int pos0, float scale) {
        int tk = pos0 + tq;
        check("q", q, (long) b * tq * h * dqk, true);
        check("k", k, (long) b * tk * h * dqk, false);
        check("v", v, (long) b * tk * h * dv, false);
        float[] probs = new float[b * h * tq * tk];
        float[] out = new float[b * tq * h * dv];
        if (tq <= DIRECT_ROWS) {
            direct(probs, out, q, k, v, b, tq, h, dqk, dv, pos0, scale);
            return new Saved(probs, out, b, tq, tk, h, dqk, dv, pos0, scale);
        }
        Gemm gemm = Backends.gemm();
        Parallel.forRange(b * h, Parallel.grainFor((long) tq * tk * (dqk + dv)), (from, to) -> {
            float[] qh = new float[tq * dqk], kh = new float[tk * dqk], vh = new float[tk * dv];
            float[] oh = new float[tq * dv];
            for (int task = from; task < to; task++) {
                int bi = task / h, hi = task % h;
                gather(qh, q, bi, tq, h, hi, dqk);
                gather(kh, k, bi, tk, h, hi, dqk);
                gather(vh, v, bi, tk, h, hi, dv);
                int pOff = task * tq * tk;
                // 1. scores S[Tq, Tk] = Q Kᵀ, scaled
                gemm.gemm(false, true, tq, tk, dqk, qh, 0, kh, 0, probs, pOff, false);
                // 2. causal softmax: row i sees keys [0, pos0 + i]
                for (int i = 0; i < tq; i++) {
                    int row = pOff + i * tk;
                    int seen = pos0 + i + 1;
                    for (int j = 0; j < seen; j++) {
                        probs[row + j] *= scale;
                    }
                    Softmax.row(probs, probs, row, seen);
                    java.util.Arrays.fill(probs, row + seen, row + tk, 0f);
                }
                // 3. O[Tq, Dv] = P V
                gemm.gemm(false, false, tq, dv, tk, probs, pOff, vh, 0, oh, 0, false);
                scatter(out, oh, bi, tq, h, hi, dv, false);
            }
        });
        return new Saved(probs, out, b, tq, tk, h, dqk, dv, pos0, scale);
    }

    /// Up to this many queries (decoding), the products run as plain loops over the cache in
    /// place: gathering every head's keys into a GEMM operand would copy the whole cache per step.
    static final int DIRECT_ROWS = 4;

    /// The same arithmetic as the GEMM path, in the same order: each score sums over `d` from 0,
    /// each output over `j` from 0 (a masked weight is exactly 0, so skipping it changes nothing).
    private static void direct(float[] probs, float[] out, float[] q, float[] k, float[] v,
                               int b, int tq, int h, int dqk, int dv, int pos0, float scale) {
        int tk = pos0 + tq;
        Parallel.forRange(b * h, Parallel.grainFor((long) tq * tk * (dqk + dv)), (from, to) -> {
            for (int task = from; task < to; task++) {
                int bi = task / h, hi = task % h;
                for (int i = 0; i < tq; i++) {
                    int qo = ((bi * tq + i) * h + hi) * dqk;
                    int row = (task * tq + i) * tk;
                    int seen = pos0 + i + 1;
                    int key = 0;
                    for (; key + 4 <= seen; key += 4) { // four keys at a time: four independent sums, each in d order
                        int k0 = ((bi * tk + key) * h + hi) * dqk, stride = h * dqk;
                        int k1 = k0 + stride, k2 = k1 + stride, k3 = k2 + stride;
                        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                        for (int d = 0; d < dqk; d++) {
                            float qd = q[qo + d];
                            s0 += qd * k[k0 + d];
                            s1 += qd * k[k1 + d];
                            s2 += qd * k[k2 + d];
                            s3 += qd * k[k3 + d];
                        }
                        probs[row + key] = s0 * scale;
                        probs[row + key + 1] = s1 * scale;
                        probs[row + key + 2] = s2 * scale;
                        probs[row + key + 3] = s3 * scale;
                    }
                    for (; key < seen; key++) {
                        int ko = ((bi * tk + key) * h + hi) * dqk;
                        float sum = 0f;
                        for (int d = 0; d < dqk; d++) {
                            sum += q[qo + d] * k[ko + d];
                        }
                        probs[row + key] = sum * scale;
                    }
                    Softmax.row(probs, probs, row, seen);
                    int oo = ((bi * tq + i) * h + hi) * dv; // out[oo + e] = Σ_j p_j v[j, e], j in order
                    for (int j = 0; j < seen; j++) {
                        float p = probs[row + j];
                        int vo = ((bi * tk + j) * h + hi) * dv;
                        for (int e = 0; e < dv; e++) {
                            out[oo + e] += p * v[vo + e];
                        }
                    }
                }
            }
        });
    }

    /// Backward: adds into `dq`, `dk`, `dv` (same layouts as the forward inputs).
    ///
    /// - `dP = dO Vᵀ`, `dV = Pᵀ dO`
    /// - `dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale` (softmax backward; masked entries have P = 0)
    /// - `dQ = dS K`, `dK = dSᵀ Q`
    public static void backward(float[] dq, float[] dk, float[] dv, // accumulated
                                float[] dout,  // [B, Tq, H, Dv]
                                float[] q, float[] k, float[] v, Saved s) {
        int b = s.b, tq = s.tq, tk = s.tk, h = s.h, dqk = s.dqk, dvd = s.dv;
        check("dout", dout, (long) b * tq * h * dvd, true);
        Gemm gemm = Backends.gemm();
        Parallel.forRange(b * h, Parallel.grainFor(2L * tq * tk * (dqk + dvd)), (from, to) -> {
            float[] qh = new float[tq * dqk], kh = new float[tk * dqk], vh = new float[tk * dvd];
            float[] doh = new float[tq * dvd], dp = new float[tq * tk], ds = new float[tq * tk];
            float[] dqh = new float[tq * dqk], dkh = new float[tk * dqk], dvh = new float[tk * dvd];
            for (int task = from; task < to; task++) {
                int bi = task / h, hi = task % h;
                gather(qh, q, bi, tq, h, hi, dqk);
                gather(kh, k, bi, tk, h, hi, dqk);
                gather(vh, v, bi, tk, h, hi, dvd);
                gather(doh, dout, bi, tq, h, hi, dvd);
                int pOff = task * tq * tk;
                gemm.gemm(false, true, tq, tk, dvd, doh, 0, vh, 0, dp, 0, false);        // dP = dO Vᵀ
                gemm.gemm(true, false, tk, dvd, tq, s.probs, pOff, doh, 0, dvh, 0, false); // dV = Pᵀ dO
                for (int i = 0; i < tq; i++) {                                             // dS
                    // masked keys (j > pos0 + i) have P = 0: their terms of the dot and their dS are
                    // zeros, which change no sum, so the loops stop at the last key the row sees
                    int row = i * tk, prow = pOff + i * tk, seen = s.pos0 + i + 1;
                    float dot = 0f;
                    for (int j = 0; j < seen; j++) {
                        dot += s.probs[prow + j] * dp[row + j];
                    }
                    for (int j = 0; j < seen; j++) {
                        ds[row + j] = s.probs[prow + j] * (dp[row + j] - dot) * s.scale;
                    }
                    java.util.Arrays.fill(ds, row + seen, row + tk, 0f);
                }
                gemm.gemm(false, false, tq, dqk, tk, ds, 0, kh, 0, dqh, 0, false);       // dQ = dS K
                gemm.gemm(true, false, tk, dqk, tq, ds, 0, qh, 0, dkh, 0, false);        // dK = dSᵀ Q
                scatter(dq, dqh, bi, tq, h, hi, dqk, true);
                scatter(dk, dkh, bi, tk, h, hi, dqk, true);
                scatter(dv, dvh, bi, tk, h, hi, dvd, true);
            }
        });
    }

    /// dst[T, D] = src[bi, :, hi, :] from a `[B, T, H, D]` array.
    static void gather(float[] dst, float[] src, int bi, int t, int h, int hi, int d) {
        for (int i = 0; i < t; i++) {
            System.arraycopy(src, ((bi * t + i) * h + hi) * d, dst, i * d, d);
        }
    }

    /// dst[bi, :, hi, :] (+)= src[T, D] into a `[B, T, H, D]` array.
    static void scatter(float[] dst, float[] src, int bi, int t, int h, int hi, int d, boolean add) {
        for (int i = 0; i < t; i++) {
            int o = ((bi * t + i) * h + hi) * d;
            if (add) {
                for (int j = 0; j < d; j++) {
                    dst[o + j] += src[i * d + j];
                }
            } else {
                System.arraycopy(src, i * d, dst, o, d);
            }
        }
    }

    private static void check(String name, float[] x, long need, boolean exact) {
        if (x == null || (exact ? x.length != need : x.length < need)) {
            throw new IllegalArgumentException("attention: " + name + " has " + (x == null ? "null" : x.length + " floats")
                    + " but needs " + (exact ? "" : "at least ") + need);
        }
    }
}
