import dev.tinyseek.exercises.GateExercise;

/// WRONG on purpose: the weights are not multiplied by routeScale (a missing scale).
public class GateNoRouteScale implements GateExercise {

    @Override
    public Choice route(float[] logits, float[] bias, int groups, int topkGroups, int topK, float routeScale) {
        int e = logits.length, per = e / groups;
        float[] s = new float[e], sel = new float[e];
        for (int i = 0; i < e; i++) {
            s[i] = (float) (1 / (1 + Math.exp(-logits[i])));
            sel[i] = s[i] + bias[i];
        }
        // group score: the sum of the two best selection scores
        float[] gs = new float[groups];
        for (int g = 0; g < groups; g++) {
            float a = Float.NEGATIVE_INFINITY, b = Float.NEGATIVE_INFINITY;
            for (int i = g * per; i < (g + 1) * per; i++) {
                if (sel[i] > a) {
                    b = a;
                    a = sel[i];
                } else if (sel[i] > b) {
                    b = sel[i];
                }
            }
            gs[g] = a + b;
        }
        boolean[] kept = new boolean[groups];
        for (int k = 0; k < topkGroups; k++) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
                if (!kept[g] && (best < 0 || gs[g] > gs[best])) {
                    best = g;
                }
            }
            kept[best] = true;
        }
        for (int i = 0; i < e; i++) {
            if (!kept[i / per]) {
                sel[i] = Float.NEGATIVE_INFINITY;
            }
        }
        int[] experts = new int[topK];
        boolean[] taken = new boolean[e];
        float sum = 0;
        for (int k = 0; k < topK; k++) {
            int best = -1;
            for (int i = 0; i < e; i++) {
                if (!taken[i] && sel[i] != Float.NEGATIVE_INFINITY && (best < 0 || sel[i] > sel[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            experts[k] = best;
            sum += s[best];
        }
        float[] weights = new float[topK];
        for (int k = 0; k < topK; k++) {
            weights[k] = s[experts[k]] / sum; // forgot routeScale
        }
        return new Choice(experts, weights);
    }
}
