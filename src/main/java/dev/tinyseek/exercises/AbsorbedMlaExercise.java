package dev.tinyseek.exercises;

/// Exercise `mla-absorbed`: the attention of Multi-head Latent Attention in its absorbed form
/// (`attention/MultiHeadLatentAttention.java`, `attention/LatentAttention.java`; DeepSeek-V3
/// eq. 1-11, `docs/mla.md#absorbed-form`).
///
/// The naive form makes every head's key and value from the latent, `k_nope = W^UK_h c`,
/// `v = W^UV_h c`, and attends with `q = [q_nope ; q_pe]`, `k = [k_nope ; k_pe]`. The absorbed
/// form never makes them: `q_nope·(W^UK_h c) = (W^UK_hᵀ q_nope)·c`, so
///
///     q_lat = W^UK_hᵀ q_nope                               [R]
///     s_j   = scale · (q_lat·c_j + q_pe·k_pe_j),  j ≤ i     (causal)
///     o     = W^UV_h (Σ_j softmax(s)_j c_j)                [Dv]
///
/// `W^UK_h` and `W^UV_h` are the rows of `kv_b_proj` `[H·(Dn + Dv), R]` for head `h`: `Dn` key
/// rows then `Dv` value rows, head after head.
public interface AbsorbedMlaExercise {

    /// Returns `o` `[T, H, Dv]` for `T` tokens at positions `0 .. T − 1` (token `i` sees `0 .. i`).
    float[] attend(float[] qNope,  // [T, H, Dn]
                   float[] qPe,    // [T, H, Dr] already rotated
                   float[] latent, // [T, R] the (normalised) KV latents c_j
                   float[] kPe,    // [T, Dr] already rotated, one key shared by all heads
                   float[] kvB,    // [H·(Dn + Dv), R] kv_b_proj.weight
                   int t, int h, int dn, int dr, int dv, int r, float scale);
}
