package dev.tinyseek.exercises;

/// Exercise `moe-gate`: DeepSeek-V3's router for one token, sigmoid scores, group-limited top-k
/// and the selection-only bias (`moe/Gate.java`, DeepSeek-V3 eq. 13-16, `docs/moe.md#the-router-step-by-step`).
///
/// 1. scores `s_i = sigmoid(logits_i)`; selection scores `s_i + bias_i`;
/// 2. `E` experts in `groups` equal groups; a group scores the sum of its two best selection
///    scores; keep the best `topkGroups` groups (ties: the lower group), mask the rest to `−∞`;
/// 3. the `topK` best masked selection scores, best first (ties: the lower index);
/// 4. weights `routeScale · s_i / Σ_chosen s_k` from the scores **without** the bias.
public interface GateExercise {

    /// The experts one token goes to, best first, and their weights.
    record Choice(int[] experts, // [K]
                  float[] weights) { // [K]
    }

    Choice route(float[] logits, // [E] the router logits u·e_i
                 float[] bias,   // [E] e_score_correction_bias (selection only)
                 int groups, int topkGroups, int topK, float routeScale);
}
