import dev.tinyseek.exercises.GateExercise;

/// Exercise `moe-gate`: DeepSeek-V3's router for one token (DeepSeek-V3 eq. 13-16).
///
/// 1. scores s_i = sigmoid(logits_i); selection scores s_i + bias_i;
/// 2. the E experts form `groups` equal groups; a group scores the sum of its two best selection
///    scores; keep the best `topkGroups` groups (ties: lower group) and mask the rest;
/// 3. the `topK` best selection scores among what is left, best first (ties: lower index);
/// 4. weights = routeScale · s_i / Σ_chosen s_k, from the scores WITHOUT the bias.
///
/// tinyseek's own: src/main/java/dev/tinyseek/moe/Gate.java (read it after you pass).
/// Grade it: ./tinyseek grade MyGate.java
public class MyGate implements GateExercise {

    @Override
    public Choice route(float[] logits, // [E]
                        float[] bias,   // [E]
                        int groups, int topkGroups, int topK, float routeScale) {
        int[] experts = new int[topK];
        float[] weights = new float[topK];
        // TODO: your code here
        throw new UnsupportedOperationException("TODO: write MyGate.route");
        // return new Choice(experts, weights);
    }
}
