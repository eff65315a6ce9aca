package dev.tinyseek.exercises;

import dev.tinyseek.attention.CausalAttention;

import java.util.List;

/// How `mla-absorbed` is graded: the student's absorbed attention must equal the naive form,
/// computed by materialising every head's keys and values and running tinyseek's
/// [CausalAttention] (the kernel of the naive MLA), and must be causal.
final class MlaChecks {

    private MlaChecks() {
    }

    record Inputs(int t, int h, int dn, int dr, int dv, int r, float scale,
                  float[] qNope, float[] qPe, float[] latent, float[] kPe, float[] kvB) {
    }

    private static final String EQ = "q_lat = W^UK_hᵀ q_nope with W^UK_h = rows [h·(Dn+Dv), h·(Dn+Dv)+Dn) of kv_b_proj; "
            + "s_j = scale·(q_lat·c_j + q_pe·k_pe_j) for j ≤ i; o = W^UV_h Σ_j softmax(s)_j c_j with W^UV_h = the next Dv rows "
            + "(DeepSeek-V3 eq. 1-11; attention/MultiHeadLatentAttention.java)";

    static Inputs make(Cases.Gen g) {
        return make(g, 1);
    }

    static Inputs make(Cases.Gen g, int minT) {
        int t = g.dim(minT, 6), h = g.dim(1, 4), dn = g.dim(1, 8), dr = 2 * g.dim(1, 4), dv = g.dim(1, 8), r = g.dim(1, 12);
        float scale = (float) (1 / Math.sqrt(dn + dr));
        return new Inputs(t, h, dn, dr, dv, r, scale, g.normals(t * h * dn, 1), g.normals(t * h * dr, 1),
                g.normals(t * r, 1), g.normals(t * dr, 1), g.normals(h * (dn + dv) * r, 1 / Math.sqrt(r)));
    }

    static Exercise<AbsorbedMlaExercise> exercise() {
        return new Exercise<>("mla-absorbed", "Multi-head Latent Attention, absorbed form (equals the naive form)",
                AbsorbedMlaExercise.class, "MyAbsorbedMla", "attention/MultiHeadLatentAttention.java", List.of(
                new Check<>("equals the naive form (keys and values materialised, tinyseek's CausalAttention)",
                        EQ,
                        s -> Cases.sweep("mla-naive", MlaChecks::make, c -> {
                            float[] want = naive(c);
                            Mismatch.close("o [T, H, Dv]", want, run(s, c), 1e-4, 1e-5 * Mismatch.maxAbs(Mismatch.toDouble(want)) + 1e-7);
                        })),
                new Check<>("causal: changing the last token changes no earlier output",
                        "token i attends to j = 0 .. i only; the scores of later tokens must not enter its softmax. " + EQ,
                        s -> Cases.sweep("mla-causal", g -> make(g, 2), c -> {
                            float[] before = run(s, c);
                            float[] latent = c.latent().clone(), kPe = c.kPe().clone();
                            for (int j = (c.t() - 1) * c.r(); j < latent.length; j++) {
                                latent[j] += 5f;
                            }
                            for (int j = (c.t() - 1) * c.dr(); j < kPe.length; j++) {
                                kPe[j] -= 5f;
                            }
                            Inputs moved = new Inputs(c.t(), c.h(), c.dn(), c.dr(), c.dv(), c.r(), c.scale(), c.qNope(), c.qPe(),
                                    latent, kPe, c.kvB());
                            float[] after = run(s, moved);
                            int earlier = (c.t() - 1) * c.h() * c.dv();
                            Mismatch.close("o of tokens 0.." + (c.t() - 2) + " after changing token " + (c.t() - 1),
                                    java.util.Arrays.copyOf(before, earlier), java.util.Arrays.copyOf(after, earlier), 1e-6, 1e-7);
                        }))));
    }

    static float[] run(AbsorbedMlaExercise s, Inputs c) {
        float[] o = s.attend(c.qNope().clone(), c.qPe().clone(), c.latent().clone(), c.kPe().clone(), c.kvB().clone(),
                c.t(), c.h(), c.dn(), c.dr(), c.dv(), c.r(), c.scale());
        Mismatch.check(o != null && o.length == c.t() * c.h() * c.dv(),
                "o: expected T·H·Dv = " + c.t() * c.h() * c.dv() + " values, got " + (o == null ? "null" : o.length));
        return o;
    }

    /// The naive form: `k = [W^UK_h c ; k_pe]`, `v = W^UV_h c` per head, then causal attention.
    static float[] naive(Inputs c) {
        int t = c.t(), h = c.h(), dn = c.dn(), dr = c.dr(), dv = c.dv(), r = c.r(), dqk = dn + dr;
        float[] q = new float[t * h * dqk], k = new float[t * h * dqk], v = new float[t * h * dv];
        for (int i = 0; i < t; i++) {
            for (int hh = 0; hh < h; hh++) {
                int row = (i * h + hh);
                System.arraycopy(c.qNope(), row * dn, q, row * dqk, dn);
                System.arraycopy(c.qPe(), row * dr, q, row * dqk + dn, dr);
                for (int d = 0; d < dn + dv; d++) {
                    float sum = 0f;
                    int w = (hh * (dn + dv) + d) * r;
                    for (int j = 0; j < r; j++) {
                        sum += c.kvB()[w + j] * c.latent()[i * r + j];
                    }
                    if (d < dn) {
                        k[row * dqk + d] = sum;
                    } else {
                        v[row * dv + d - dn] = sum;
                    }
                }
                System.arraycopy(c.kPe(), i * dr, k, row * dqk + dn, dr);
            }
        }
        return CausalAttention.forward(q, k, v, 1, t, h, dqk, dv, 0, c.scale()).out();
    }
}
