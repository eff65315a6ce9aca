package dev.tinyseek.attention;

import dev.tinyseek.tensor.Rope;

/// YaRN: how DeepSeek-V3 stretches RoPE from the 4K context it was pre-trained on to 128K
/// (DeepSeek-V3 §4.3; `docs/mla.md#yarn`; official `precompute_freqs_cis`).
///
/// Two changes, both switched on only when the context `max_position_embeddings` exceeds
/// `original_max_position_embeddings` (the official condition; HF turns them on whenever a yarn
/// `rope_scaling` is present):
///
/// 1. **Frequencies.** Pair `j` of a `Dr`-dim RoPE vector turns by `f_j = θ^(−2j/Dr)` per position,
///    i.e. completes `L·f_j / 2π` rotations over the original context `L`. Pairs that turn fast
///    (more than `beta_fast` rotations) already saw every angle in training and keep `f_j`; pairs
///    that turn slowly (fewer than `beta_slow`) are slowed down by the factor `s` so that the long
///    context maps onto angles they know; pairs in between are blended linearly:
///
///        D(r)   = Dr · ln(L / (2π r)) / (2 ln θ)          the pair index that makes r rotations
///        low    = max(floor(D(beta_fast)), 0),  high = min(ceil(D(beta_slow)), Dr − 1)
///        ramp_j = clamp((j − low) / (high − low), 0, 1)   (high += 0.001 if equal)
///        f'_j   = f_j / s · ramp_j + f_j · (1 − ramp_j)
///
///    For V3 (Dr 64, θ 1e4, L 4096, s 40, β 32/1): low 10, high 23; pairs j ≤ 10 keep `f_j`,
///    pairs j ≥ 23 get `f_j / 40`.
/// 2. **Temperature.** The softmax scale is multiplied by `mscale²` with
///    `mscale = 0.1 · mscale_all_dim · ln s + 1` (1.3688879 for V3, giving 192^-0.5 · mscale² = 0.1352338).
///
/// Left out: HF's `attention_factor` that multiplies cos and sin by
/// `mscale(s, mscale) / mscale(s, mscale_all_dim)`; the official code has no such factor, and with
/// V3's `mscale = mscale_all_dim = 1` it is exactly 1, so we require the two to be equal.
///
/// ```java
/// Yarn y = Yarn.DEEPSEEK_V3;
/// Rope rope = y.rope(64, 10000, 163840);               // corrected frequencies (active: 163840 > 4096)
/// double scale = y.softmaxScale(192, 163840);          // 0.1352338
/// ```
public record Yarn(double factor,                      // rope_scaling.factor: s
                   int originalMaxPositionEmbeddings,  // rope_scaling.original_max_position_embeddings: L
                   double betaFast,                    // rope_scaling.beta_fast: rotations above which a pair is kept
                   double betaSlow,                    // rope_scaling.beta_slow: rotations below which a pair is slowed by s
                   double mscale,                      // rope_scaling.mscale
                   double mscaleAllDim) {              // rope_scaling.mscale_all_dim: the temperature coefficient

    /// DeepSeek-V3's `rope_scaling` (hub `config.json`).
    public static final Yarn DEEPSEEK_V3 = new Yarn(40, 4096, 32, 1, 1, 1);

    public Yarn {
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw bad("factor", factor, "a finite number >= 1 (DeepSeek-V3 uses 40)");
        }
        if (originalMaxPositionEmbeddings < 1) {
            throw bad("original_max_position_embeddings", originalMaxPositionEmbeddings, "a positive token count (DeepSeek-V3 uses 4096)");
        }
        if (!(betaSlow > 0) || !(betaFast > betaSlow) || Double.isInfinite(betaFast)) {
            throw new IllegalArgumentException("rope_scaling: beta_fast " + betaFast + " and beta_slow " + betaSlow
                    + " must satisfy beta_fast > beta_slow > 0 (DeepSeek-V3 uses 32 and 1)");
        }
        if (!(mscaleAllDim >= 0) || Double.isInfinite(mscaleAllDim)) {
            throw bad("mscale_all_dim", mscaleAllDim, "a finite number >= 0 (DeepSeek-V3 uses 1.0)");
        }
        if (mscale != mscaleAllDim) {
            throw new IllegalArgumentException("rope_scaling: mscale " + mscale + " differs from mscale_all_dim " + mscaleAllDim
                    + "; only equal values are supported (the official code has a single mscale; V3 uses 1.0 for both)");
        }
    }

    /// Whether YaRN is on for a model of this context: `maxPositionEmbeddings > original_max_position_embeddings`.
    public boolean activeFor(int maxPositionEmbeddings) {
        return maxPositionEmbeddings > originalMaxPositionEmbeddings;
    }

    /// The pair index `D(r)` that completes `r` rotations over the original context (unrounded).
    public double correctionDim(double rotations, int dim, double theta) {
        return dim * Math.log(originalMaxPositionEmbeddings / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }

    /// The YaRN-corrected frequencies `f'_j`, j = 0 .. dim/2 − 1 (always corrected; see [#rope]
    /// for the switch).
    public double[] frequencies(int dim, double theta) {
        if (!(theta > 1) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("yarn: rope_theta = " + theta + " is invalid; expected a number above 1 (DeepSeek-V3 uses 10000)");
        }
        double[] f = Rope.plainFrequencies(dim, theta);
        // 1. the correction range, in pair indices (official find_correction_range)
        double low = Math.max(Math.floor(correctionDim(betaFast, dim, theta)), 0);
        double high = Math.min(Math.ceil(correctionDim(betaSlow, dim, theta)), dim - 1);
        if (low == high) {
            high += 0.001;
        }
        // 2. blend: ramp 0 keeps f_j (fast pairs), ramp 1 divides by s (slow pairs)
        for (int j = 0; j < f.length; j++) {
            double ramp = Math.clamp((j - low) / (high - low), 0.0, 1.0);
            f[j] = f[j] / factor * ramp + f[j] * (1 - ramp);
        }
        return f;
    }

    /// `mscale = 0.1 · mscale_all_dim · ln s + 1`.
    public double attentionMscale() {
        return 0.1 * mscaleAllDim * Math.log(factor) + 1.0;
    }

    /// What the softmax scale is multiplied by when YaRN is active: `mscale²`.
    public double softmaxScaleFactor() {
        double m = attentionMscale();
        return m * m;
    }

    /// The RoPE table for a model of context `maxPositionEmbeddings`: YaRN-corrected when
    /// [#activeFor] it, plain otherwise.
    public Rope rope(int dim, double theta, int maxPositionEmbeddings) {
        return activeFor(maxPositionEmbeddings)
                ? new Rope(frequencies(dim, theta), maxPositionEmbeddings)
                : Rope.plain(dim, theta, maxPositionEmbeddings);
    }

    /// The softmax scale `qkHeadDim^-0.5`, times [#softmaxScaleFactor] when [#activeFor] this context.
    public double softmaxScale(int qkHeadDim, int maxPositionEmbeddings) {
        if (qkHeadDim < 1) {
            throw bad("qk head dim (qk_nope_head_dim + qk_rope_head_dim)", qkHeadDim, "a positive number");
        }
        double plain = 1 / Math.sqrt(qkHeadDim);
        return activeFor(maxPositionEmbeddings) ? plain * softmaxScaleFactor() : plain;
    }

    private static IllegalArgumentException bad(String key, double value, String valid) {
        return new IllegalArgumentException("rope_scaling." + key + " = " + value + " is invalid; expected " + valid);
    }
}
