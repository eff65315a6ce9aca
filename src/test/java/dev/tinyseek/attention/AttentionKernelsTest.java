package dev.tinyseek.attention;

import dev.tinyseek.testkit.GradCheck;
import dev.tinyseek.testkit.Property;
import org.junit.jupiter.api.Test;

/// The two attention kernels against attention written out here in `double`, on batches of
/// several sequences, through both the decoding path (a few queries) and the GEMM path, with a
/// cache longer than needed; the causal kernel's backward against central differences, added
/// to gradients that already hold something.
class AttentionKernelsTest {

    record Causal(int b, int tq, int h, int dqk, int dv, int pos0, int spare, float scale,
                  float[] q, float[] k, float[] v, float[] dout, float[] dq0, float[] dk0, float[] dv0) {
    }

    /// `out[bi, i, hi, :] = Σ_{j ≤ pos0 + i} softmax_j(scale · q·k_j) v_j`, sequence `bi` reading
    /// key rows `[bi·Tk, (bi+1)·Tk)`.
    static double[] causalRef(Causal c, double[] q, double[] k, double[] v) {
        int tk = c.pos0 + c.tq;
        double[] out = new double[c.b * c.tq * c.h * c.dv];
        for (int bi = 0; bi < c.b; bi++) {
            for (int i = 0; i < c.tq; i++) {
                for (int hi = 0; hi < c.h; hi++) {
                    int seen = c.pos0 + i + 1;
                    double[] s = new double[seen];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < seen; j++) {
                        for (int d = 0; d < c.dqk; d++) {
                            s[j] += q[((bi * c.tq + i) * c.h + hi) * c.dqk + d] * k[((bi * tk + j) * c.h + hi) * c.dqk + d];
                        }
                        s[j] *= c.scale;
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < seen; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < seen; j++) {
                        for (int e = 0; e < c.dv; e++) {
                            out[((bi * c.tq + i) * c.h + hi) * c.dv + e] += s[j] / z * v[((bi * tk + j) * c.h + hi) * c.dv + e];
                        }
                    }
                }
            }
        }
        return out;
    }

    static float[] added(float[] after, float[] before) {
        float[] d = new float[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }

    @Test
    void causalAttentionAndItsAccumulatingBackwardMatchTheReference() {
        Property.forAll("causal attention vs double reference", g -> {
            int b = g.intIn(2, 3), tq = g.oneOf(1, 3, g.intIn(5, 7)), h = g.intIn(1, 3), dqk = g.intIn(1, 4),
                    dv = g.intIn(1, 4), pos0 = g.intIn(0, 3), spare = g.intIn(0, 2), tk = pos0 + tq;
            int kRows = b * tk + spare;
            return new Causal(b, tq, h, dqk, dv, pos0, spare, (float) g.doubleIn(0.2, 1.2),
                    g.normal(b * tq * h * dqk, 1), g.normal(kRows * h * dqk, 1), g.normal(kRows * h * dv, 1),
                    g.normal(b * tq * h * dv, 1), g.normal(b * tq * h * dqk, 1), g.normal(kRows * h * dqk, 1),
                    g.normal(kRows * h * dv, 1));
        }, c -> {
            CausalAttention.Saved s = CausalAttention.forward(c.q, c.k, c.v, c.b, c.tq, c.h, c.dqk, c.dv, c.pos0, c.scale);
            double[][] args = {GradCheck.toDouble(c.q), GradCheck.toDouble(c.k), GradCheck.toDouble(c.v)};
            GradCheck.assertClose("out", causalRef(c, args[0], args[1], args[2]), s.out(), 1e-4, 1e-5);
            if (c.pos0 > 0) {
                return; // backward is for training, where the queries are the whole sequence
            }
            float[] dq = c.dq0.clone(), dk = c.dk0.clone(), dv = c.dv0.clone();
            CausalAttention.backward(dq, dk, dv, c.dout, c.q, c.k, c.v, s);
            double[] dy = GradCheck.toDouble(c.dout);
            for (int which = 0; which < 3; which++) {
                double[] numeric = GradCheck.numeric(a -> GradCheck.dot(dy, causalRef(c, a[0], a[1], a[2])), args, which);
                float[] got = switch (which) {
                    case 0 -> added(dq, c.dq0);
                    case 1 -> added(dk, c.dk0);
                    default -> added(dv, c.dv0);
                };
                GradCheck.assertClose(new String[] {"dq", "dk", "dv"}[which], numeric, got, 1e-3, 1e-4);
            }
        });
    }

    record Latent(int b, int tq, int h, int r, int dr, int pos0, int spare, float scale,
                  float[] qLat, float[] qPe, float[] latent, float[] kPe) {
    }

    @Test
    void latentAttentionMatchesTheReferenceForEverySequenceOfABatch() {
        Property.forAll("absorbed MLA kernel vs double reference", g -> {
            int b = g.intIn(2, 3), tq = g.oneOf(1, 2, 4, g.intIn(5, 7)), h = g.intIn(1, 3), r = g.intIn(1, 5),
                    dr = g.intIn(1, 3), pos0 = g.intIn(0, 5), spare = g.intIn(0, 2), rows = b * (pos0 + tq) + spare;
            return new Latent(b, tq, h, r, dr, pos0, spare, (float) g.doubleIn(0.2, 1.2), g.normal(b * tq * h * r, 1),
                    g.normal(b * tq * h * dr, 1), g.normal(rows * r, 1), g.normal(rows * dr, 1));
        }, c -> {
            float[] got = LatentAttention.forward(c.qLat, c.qPe, c.latent, c.kPe, c.b, c.tq, c.h, c.r, c.dr, c.pos0, c.scale);
            int tk = c.pos0 + c.tq;
            double[] want = new double[got.length];
            for (int bi = 0; bi < c.b; bi++) {
                for (int i = 0; i < c.tq; i++) {
                    for (int hi = 0; hi < c.h; hi++) {
                        int row = (bi * c.tq + i) * c.h + hi, seen = c.pos0 + i + 1;
                        double[] s = new double[seen];
                        double max = Double.NEGATIVE_INFINITY, z = 0;
                        for (int j = 0; j < seen; j++) {
                            for (int x = 0; x < c.r; x++) {
                                s[j] += (double) c.qLat[row * c.r + x] * c.latent[(bi * tk + j) * c.r + x];
                            }
                            for (int x = 0; x < c.dr; x++) {
                                s[j] += (double) c.qPe[row * c.dr + x] * c.kPe[(bi * tk + j) * c.dr + x];
                            }
                            s[j] *= c.scale;
                            max = Math.max(max, s[j]);
                        }
                        for (int j = 0; j < seen; j++) {
                            s[j] = Math.exp(s[j] - max);
                            z += s[j];
                        }
                        for (int j = 0; j < seen; j++) {
                            for (int x = 0; x < c.r; x++) {
                                want[row * c.r + x] += s[j] / z * c.latent[(bi * tk + j) * c.r + x];
                            }
                        }
                    }
                }
            }
            GradCheck.assertClose("o_lat", want, got, 1e-4, 1e-5);
        });
    }

    /// Every operand's length is checked against the shape: exact for the queries and `dout`,
    /// "at least" for the keys, values and latents (a cache may be longer), one float short fails.
    @Test
    void operandLengthsAreCheckedAgainstTheShape() {
        int b = 2, tq = 3, h = 2, dqk = 3, dv = 2, pos0 = 1, tk = pos0 + tq;
        float[] q = new float[b * tq * h * dqk], k = new float[b * tk * h * dqk], v = new float[b * tk * h * dv];
        CausalAttention.Saved s = CausalAttention.forward(q, k, v, b, tq, h, dqk, dv, pos0, 0.5f);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CausalAttention.forward(q, new float[k.length - 1], v, b, tq, h, dqk, dv, pos0, 0.5f))
                .hasMessage("attention: k has " + (k.length - 1) + " floats but needs at least " + k.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CausalAttention.forward(q, k, new float[v.length - 1], b, tq, h, dqk, dv, pos0, 0.5f))
                .hasMessage("attention: v has " + (v.length - 1) + " floats but needs at least " + v.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CausalAttention.forward(new float[q.length + 1], k, v, b, tq, h, dqk, dv, pos0, 0.5f))
                .hasMessage("attention: q has " + (q.length + 1) + " floats but needs " + q.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CausalAttention.backward(new float[q.length], new float[k.length],
                        new float[v.length], new float[b * tq * h * dv + 1], q, k, v, s))
                .hasMessage("attention: dout has " + (b * tq * h * dv + 1) + " floats but needs " + b * tq * h * dv);
        int r = 4, dr = 2, rows = b * tk;
        float[] ql = new float[b * tq * h * r], qp = new float[b * tq * h * dr], lat = new float[rows * r], kp = new float[rows * dr];
        LatentAttention.forward(ql, qp, lat, kp, b, tq, h, r, dr, pos0, 0.5f);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LatentAttention.forward(ql, qp, new float[lat.length - 1], kp, b, tq, h, r, dr, pos0, 0.5f))
                .hasMessage("latent attention: latent has " + (lat.length - 1) + " floats but needs at least " + lat.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LatentAttention.forward(ql, qp, lat, new float[kp.length - 1], b, tq, h, r, dr, pos0, 0.5f))
                .hasMessage("latent attention: k_pe has " + (kp.length - 1) + " floats but needs at least " + kp.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LatentAttention.forward(ql, new float[qp.length - 1], lat, kp, b, tq, h, r, dr, pos0, 0.5f))
                .hasMessage("latent attention: q_pe has " + (qp.length - 1) + " floats but needs " + qp.length);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LatentAttention.forward(new float[ql.length + 1], qp, lat, kp, b, tq, h, r, dr, pos0, 0.5f))
                .hasMessage("latent attention: q_lat has " + (ql.length + 1) + " floats but needs " + ql.length);
    }
}
