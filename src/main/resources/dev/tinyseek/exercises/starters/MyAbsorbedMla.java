import dev.tinyseek.exercises.AbsorbedMlaExercise;

/// Exercise `mla-absorbed`: Multi-head Latent Attention without materialising keys and values.
///
/// Per head h, with W^UK_h = rows [h·(Dn+Dv), h·(Dn+Dv) + Dn) of kvB and W^UV_h = the next Dv rows:
///
///     q_lat = W^UK_hᵀ q_nope                                [R]
///     s_j   = scale · (q_lat · c_j + q_pe · k_pe_j),  j ≤ i   (token i sees 0 .. i)
///     o     = W^UV_h (Σ_j softmax(s)_j c_j)                 [Dv]
///
/// The result must equal the naive form: k_nope = W^UK_h c, v = W^UV_h c, q = [q_nope ; q_pe],
/// k = [k_nope ; k_pe], o = softmax(scale · q kᵀ) v.
///
/// tinyseek's own: src/main/java/dev/tinyseek/attention/MultiHeadLatentAttention.java and LatentAttention.java.
/// Grade it: ./tinyseek grade MyAbsorbedMla.java
public class MyAbsorbedMla implements AbsorbedMlaExercise {

    @Override
    public float[] attend(float[] qNope,  // [T, H, Dn]
                          float[] qPe,    // [T, H, Dr]
                          float[] latent, // [T, R]
                          float[] kPe,    // [T, Dr]
                          float[] kvB,    // [H·(Dn + Dv), R]
                          int t, int h, int dn, int dr, int dv, int r, float scale) {
        float[] o = new float[t * h * dv]; // [T, H, Dv]
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyAbsorbedMla.attend");
        // return o;
    }
}
