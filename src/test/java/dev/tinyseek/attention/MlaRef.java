package dev.tinyseek.attention;

import dev.tinyseek.testkit.DoubleRef;

/// An independent naive double reference of DeepSeek-V3 MLA, written from `docs/mla.md#the-forward-step-by-step`
/// (naive mode) and `docs/mla.md#rope-interleaved-pairs`, with loops instead of GEMMs and nothing shared
/// with the code under test.
final class MlaRef {

    private MlaRef() {
    }

    /// The shape of one layer and one batch.
    record Dims(int b, int t, int c, int h, int qRank, int r, int dn, int dr, int dv) {
        int dqk() {
            return dn + dr;
        }

        int n() {
            return b * t;
        }
    }

    /// `y` `[B·T, C]`. `w` holds the weights in `params()` order: `q_a_proj, q_a_layernorm, q_b_proj`
    /// (or `q_proj`), `kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj, o_proj`.
    static double[] forward(Dims d, double[] freqs, double scale, double eps, double[] x, double[][] w) {
        return run(d, freqs, scale, eps, x, w).y();
    }

    /// The output, and `max|c|` of the normalised latents (for [MlaCases#outputScale]).
    record Out(double[] y, double maxAbsLatent) {
    }

    static Out run(Dims d, double[] freqs, double scale, double eps, double[] x, double[][] w) {
        int n = d.n(), h = d.h(), dqk = d.dqk(), dn = d.dn(), dr = d.dr(), dv = d.dv(), r = d.r();
        int k = 0;
        // query
        double[] q;
        if (d.qRank() > 0) {
            double[] cq = DoubleRef.rmsNorm(DoubleRef.linear(x, w[k++], n, d.c(), d.qRank()), w[k++], n, d.qRank(), eps);
            q = DoubleRef.linear(cq, w[k++], n, d.qRank(), h * dqk);
        } else {
            q = DoubleRef.linear(x, w[k++], n, d.c(), h * dqk);
        }
        // keys and values
        double[] kva = DoubleRef.linear(x, w[k++], n, d.c(), r + dr);
        double[] latent = new double[n * r], kPe = new double[n * dr];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r; j++) {
                latent[i * r + j] = kva[i * (r + dr) + j];
            }
            for (int j = 0; j < dr; j++) {
                kPe[i * dr + j] = kva[i * (r + dr) + r + j];
            }
        }
        double[] cn = DoubleRef.rmsNorm(latent, w[k++], n, r, eps);
        double[] kv = DoubleRef.linear(cn, w[k++], n, r, h * (dn + dv));
        double[] wo = w[k];
        // RoPE at position i % T
        for (int i = 0; i < n; i++) {
            int pos = i % d.t();
            for (int hh = 0; hh < h; hh++) {
                rotate(q, (i * h + hh) * dqk + dn, pos, freqs);
            }
            rotate(kPe, i * dr, pos, freqs);
        }
        // causal attention per sequence and head
        double[] o = new double[n * h * dv];
        for (int bi = 0; bi < d.b(); bi++) {
            for (int hh = 0; hh < h; hh++) {
                for (int i = 0; i < d.t(); i++) {
                    int qi = bi * d.t() + i;
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        int kj = bi * d.t() + j;
                        double dot = 0;
                        for (int e = 0; e < dn; e++) {
                            dot += q[(qi * h + hh) * dqk + e] * kv[(kj * h + hh) * (dn + dv) + e];
                        }
                        for (int e = 0; e < dr; e++) {
                            dot += q[(qi * h + hh) * dqk + dn + e] * kPe[kj * dr + e];
                        }
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j <= i; j++) {
                        int kj = bi * d.t() + j;
                        for (int e = 0; e < dv; e++) {
                            o[(qi * h + hh) * dv + e] += s[j] / sum * kv[(kj * h + hh) * (dn + dv) + dn + e];
                        }
                    }
                }
            }
        }
        double maxAbsLatent = 0;
        for (double v : cn) {
            maxAbsLatent = Math.max(maxAbsLatent, Math.abs(v));
        }
        return new Out(DoubleRef.linear(o, wo, n, h * dv, d.c()), maxAbsLatent);
    }

    /// Interleaved RoPE on `freqs.length` pairs starting at `off`.
    static void rotate(double[] x, int off, int pos, double[] freqs) {
        for (int j = 0; j < freqs.length; j++) {
            double a = x[off + 2 * j], b = x[off + 2 * j + 1];
            double cos = Math.cos(pos * freqs[j]), sin = Math.sin(pos * freqs[j]);
            x[off + 2 * j] = a * cos - b * sin;
            x[off + 2 * j + 1] = a * sin + b * cos;
        }
    }
}
