import dev.tinyseek.exercises.AbsorbedMlaExercise;

/// WRONG on purpose: reads kv_b_proj as if all heads' key rows came first, then all value rows.
public class MlaKeyRowsFirst implements AbsorbedMlaExercise {

    @Override
    public float[] attend(float[] qNope, float[] qPe, float[] latent, float[] kPe, float[] kvB,
                          int t, int h, int dn, int dr, int dv, int r, float scale) {
        float[] o = new float[t * h * dv];
        for (int i = 0; i < t; i++) {
            for (int hh = 0; hh < h; hh++) {
                int head = hh * (dn + dv); // first row of this head in kvB
                // 1. absorb W^UK into the query: q_lat = W^UK_hᵀ q_nope
                double[] qLat = new double[r];
                for (int d = 0; d < dn; d++) {
                    double q = qNope[(i * h + hh) * dn + d];
                    for (int k = 0; k < r; k++) {
                        qLat[k] += q * kvB[(hh * dn + d) * r + k];
                    }
                }
                // 2. scores against the latents and the shared RoPE keys, causal softmax
                double[] p = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) {
                        s += qLat[k] * latent[j * r + k];
                    }
                    for (int k = 0; k < dr; k++) {
                        s += (double) qPe[(i * h + hh) * dr + k] * kPe[j * dr + k];
                    }
                    p[j] = scale * s;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                // 3. weighted sum of latents, then W^UV
                double[] cSum = new double[r];
                for (int j = 0; j <= i; j++) {
                    for (int k = 0; k < r; k++) {
                        cSum[k] += p[j] / sum * latent[j * r + k];
                    }
                }
                for (int d = 0; d < dv; d++) {
                    double v = 0;
                    for (int k = 0; k < r; k++) {
                        v += kvB[(h * dn + hh * dv + d) * r + k] * cSum[k];
                    }
                    o[(i * h + hh) * dv + d] = (float) v;
                }
            }
        }
        return o;
    }
}
