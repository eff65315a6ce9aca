package dev.tinyseek.attention;

import dev.tinyseek.backend.Backends;
import dev.tinyseek.backend.Gemm;
import dev.tinyseek.backend.Parallel;
import dev.tinyseek.tensor.Softmax;

import java.util.Arrays;

/// The attention kernel of absorbed MLA: `H` query heads against **one** shared key/value head,
/// the KV latent (`docs/mla.md#absorbed-form`; official `attn_impl="absorb"`).
///
/// Once `W^UK` is folded into the query, every head scores the same cached rows:
///
///     s[i,h,j] = scale · (q_lat[i,h]·c_j + q_pe[i,h]·k_pe_j)     j ≤ pos0 + i (causal)
///     p[i,h,:] = softmax_j s[i,h,:]
///     o_lat[i,h] = Σ_j p[i,h,j] c_j
///
/// Because the key is shared, the `Tq·H` query rows of a sequence need no per-head split: the
/// scores are one GEMM against the latents plus one (accumulated) against the RoPE keys, and the
/// weighted sum is one more GEMM — this is what makes the absorbed form fast at long context: it
/// reads `R + Dr` numbers per cached token instead of `H·(Dqk + Dv)`.
///
/// Masked scores are exactly 0 after the softmax, so a row computed against a cache equals the
/// same row computed over the whole sequence, to the bit. Forward only: training uses the naive
/// form (see [MultiHeadLatentAttention]).
public final class LatentAttention {

    private LatentAttention() {
    }

    /// Returns `o_lat` `[B, Tq, H, R]`. `latent` and `kPe` may be longer than needed (a cache
    /// allocated for the whole context): sequence `bi` reads rows `[bi·Tk, bi·Tk + Tk)`, `Tk = pos0 + Tq`.
    public static float[] forward(float[] qLat,   // [B, Tq, H, R]
                                  float[] qPe,    // [B, Tq, H, Dr] rotated
                                  float[] latent, // [B, Tk, R] (at least): the normalised KV latents c_j
                                  float[] kPe,    // [B, Tk, Dr] (at least): the rotated RoPE keys
                                  int b, int tq, int h, int r, int dr, int pos0, float scale) {
        int tk = pos0 + tq;
        int rows = tq * h;
        check("q_lat", qLat, (long) b * rows * r, true);
        check("q_pe", qPe, (long) b * rows * dr, true);
        check("latent", latent, (long) b * tk * r, false);
        check("k_pe", kPe, (long) b * tk * dr, false);
        float[] oLat = new float[b * rows * r];
        if (tq <= CausalAttention.DIRECT_ROWS) {
            for (int bi = 0; bi < b; bi++) {
                direct(oLat, qLat, qPe, latent, kPe, bi, tq, h, r, dr, pos0, scale);
            }
            return oLat;
        }
        float[] p = new float[rows * tk]; // [Tq·H, Tk] scores, then probabilities
        Gemm gemm = Backends.gemm();
        for (int bi = 0; bi < b; bi++) {
            // 1. S[Tq·H, Tk] = Q_lat Cᵀ + Q_pe K_peᵀ
            gemm.gemm(false, true, rows, tk, r, qLat, bi * rows * r, latent, bi * tk * r, p, 0, false);
            gemm.gemm(false, true, rows, tk, dr, qPe, bi * rows * dr, kPe, bi * tk * dr, p, 0, true);
            // 2. scale and causal softmax: row (i, head) sees keys [0, pos0 + i]
            Parallel.forRange(rows, Parallel.grainFor(20L * tk), (from, to) -> {
                for (int row = from; row < to; row++) {
                    int off = row * tk;
                    int seen = pos0 + row / h + 1;
                    for (int j = 0; j < seen; j++) {
                        p[off + j] *= scale;
                    }
                    Softmax.row(p, p, off, seen);
                    Arrays.fill(p, off + seen, off + tk, 0f);
                }
            });
            // 3. O_lat[Tq·H, R] = P C
            gemm.gemm(false, false, rows, r, tk, p, 0, latent, bi * tk * r, oLat, bi * rows * r, false);
        }
        return oLat;
    }

    /// Decoding (a few queries): the same sums as the GEMM path, in the same order, reading the
    /// cache in place — each cached row `c_j` is loaded once and scored against every head.
    private static void direct(float[] oLat, float[] qLat, float[] qPe, float[] latent, float[] kPe,
                               int bi, int tq, int h, int r, int dr, int pos0, float scale) {
        int tk = pos0 + tq, rows = tq * h;
        float[] p = new float[rows * tk];
        // 1. scores, parallel over cached rows j: s[row, j] = q_lat[row]·c_j + q_pe[row]·k_pe_j;
        //    four cached rows at a time: four independent sums (each still in x order) keep the
        //    CPU's adders busy, and each query row is read once for four keys
        Parallel.forRange((tk + 3) / 4, Parallel.grainFor(4L * rows * (r + dr)), (from, to) -> {
            for (int j0 = from * 4; j0 < Math.min(tk, to * 4); j0 += 4) {
                int nj = Math.min(4, tk - j0);
                for (int row = 0; row < rows; row++) {
                    int qo = (bi * rows + row) * r, po = (bi * rows + row) * dr;
                    if (nj == 4) {
                        int c0 = (bi * tk + j0) * r, c1 = c0 + r, c2 = c1 + r, c3 = c2 + r;
                        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                        for (int x = 0; x < r; x++) {
                            float q = qLat[qo + x];
                            s0 += q * latent[c0 + x];
                            s1 += q * latent[c1 + x];
                            s2 += q * latent[c2 + x];
                            s3 += q * latent[c3 + x];
                        }
                        int k0 = (bi * tk + j0) * dr, k1 = k0 + dr, k2 = k1 + dr, k3 = k2 + dr;
                        float e0 = 0f, e1 = 0f, e2 = 0f, e3 = 0f;
                        for (int x = 0; x < dr; x++) {
                            float q = qPe[po + x];
                            e0 += q * kPe[k0 + x];
                            e1 += q * kPe[k1 + x];
                            e2 += q * kPe[k2 + x];
                            e3 += q * kPe[k3 + x];
                        }
                        int o = row * tk + j0;
                        p[o] = s0 + e0;
                        p[o + 1] = s1 + e1;
                        p[o + 2] = s2 + e2;
                        p[o + 3] = s3 + e3;
                    } else {
                        for (int j = j0; j < j0 + nj; j++) {
                            int co = (bi * tk + j) * r, ko = (bi * tk + j) * dr;
                            float sum = 0f;
                            for (int x = 0; x < r; x++) {
                                sum += qLat[qo + x] * latent[co + x];
                            }
                            float pe = 0f;
                            for (int x = 0; x < dr; x++) {
                                pe += qPe[po + x] * kPe[ko + x];
                            }
                            p[row * tk + j] = sum + pe;
                        }
                    }
                }
            }
        });
        // 2. scale and causal softmax; 3. o_lat[row] = Σ_j p[row, j] c_j, j in order. The rows
        //    are split into at most one chunk per thread, so each cached latent is copied into
        //    the vector-friendly buffer once per chunk, not once per row
        int threads = Parallel.threads();
        int chunk = Math.max(Parallel.grainFor((long) tk * r), (rows + threads - 1) / threads);
        Parallel.forRange(rows, chunk, (from, to) -> {
            float[][] acc = new float[to - from][r];
            float[] c = new float[r];
            int maxSeen = 0;
            for (int row = from; row < to; row++) {
                int off = row * tk;
                int seen = pos0 + row / h + 1;
                maxSeen = Math.max(maxSeen, seen);
                for (int j = 0; j < seen; j++) {
                    p[off + j] *= scale;
                }
                Softmax.row(p, p, off, seen);
            }
            for (int j = 0; j < maxSeen; j++) {
                System.arraycopy(latent, (bi * tk + j) * r, c, 0, r);
                for (int row = from; row < to; row++) {
                    if (j > pos0 + row / h) {
                        continue; // masked: this row's sum stops before j
                    }
                    float w = p[row * tk + j];
                    float[] a = acc[row - from];
                    for (int x = 0; x < r; x++) {
                        a[x] += w * c[x];
                    }
                }
            }
            for (int row = from; row < to; row++) {
                System.arraycopy(acc[row - from], 0, oLat, (bi * rows + row) * r, r);
            }
        });
    }

    private static void check(String name, float[] x, long need, boolean exact) {
        if (x == null || (exact ? x.length != need : x.length < need)) {
            throw new IllegalArgumentException("latent attention: " + name + " has " + (x == null ? "null" : x.length + " floats")
                    + " but needs " + (exact ? "" : "at least ") + need);
        }
    }
}
